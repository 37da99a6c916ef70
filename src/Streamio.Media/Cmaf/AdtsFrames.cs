namespace Streamio.Media.Cmaf;

/// <summary>An AAC stream's setup as ADTS headers state it: the object type, sample rate and channel configuration.</summary>
public sealed record AacConfig(int ObjectType, int FrequencyIndex, int Channels)
{
    private static readonly int[] SampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    public int SampleRate => FrequencyIndex < SampleRates.Length
        ? SampleRates[FrequencyIndex]
        : throw new InvalidDataException($"ADTS sampling frequency index {FrequencyIndex} is reserved.");

    /// <summary>The two-byte AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) an MP4 decoder is set up with.</summary>
    public byte[] AudioSpecificConfig => [(byte)((ObjectType << 3) | (FrequencyIndex >> 1)), (byte)(((FrequencyIndex & 1) << 7) | (Channels << 3))];
}

/// <summary>One AAC frame: the raw data block, without its ADTS header.</summary>
public sealed record AdtsFrame(AacConfig Config, byte[] Payload);

/// <summary>Cuts ADTS (ISO/IEC 13818-7 / 14496-3 Annex 1.A) into its frames, as MPEG-TS carries AAC.</summary>
public static class AdtsFrames
{
    public static IEnumerable<AdtsFrame> Read(byte[] data)
    {
        var at = 0;
        while (at < data.Length)
        {
            if (data.Length - at < 7 || data[at] != 0xFF || (data[at + 1] & 0xF6) != 0xF0)
            {
                throw new InvalidDataException($"No ADTS header at byte {at} of an AAC packet.");
            }

            var headerLength = (data[at + 1] & 1) == 1 ? 7 : 9;
            var config = new AacConfig((data[at + 2] >> 6) + 1, (data[at + 2] >> 2) & 0x0F, ((data[at + 2] & 1) << 2) | (data[at + 3] >> 6));
            var frameLength = ((data[at + 3] & 3) << 11) | (data[at + 4] << 3) | (data[at + 5] >> 5);
            if ((data[at + 6] & 3) != 0)
            {
                throw new InvalidDataException("An ADTS frame with more than one raw data block.");
            }

            if (frameLength <= headerLength || at + frameLength > data.Length)
            {
                throw new InvalidDataException($"An ADTS frame of {frameLength} bytes does not fit its packet.");
            }

            yield return new AdtsFrame(config, data[(at + headerLength)..(at + frameLength)]);
            at += frameLength;
        }
    }
}
