namespace Streamio.Grains.Planning;

/// <summary>Forensic A/B watermarking and the leak detector (configuration section <c>Streamio:Forensics</c>).</summary>
public sealed class ForensicOptions
{
    /// <summary>The rung encoded twice (A and B): this one, or the highest rung of the video's ladder at or below its height.</summary>
    public string Rung { get; set; } = "720p";

    /// <summary>The mark's peak, in luma levels (0–255): A is +strength·pattern, B −strength·pattern.</summary>
    public double Strength { get; set; } = 3;

    /// <summary>A match is declared only at or above this confidence.</summary>
    public double MinConfidence { get; set; } = 0.99;

    /// <summary>Below this similarity (0–1) the leak is not taken for a copy of the video.</summary>
    public double MinAlignment { get; set; } = 0.6;

    /// <summary>Frames per second the detector reads from the leak and the reference.</summary>
    public double AnalysisFps { get; set; } = 10;

    /// <summary>Width of the detector's small frames (the height follows the video's aspect).</summary>
    public int AnalysisWidth { get; set; } = 64;

    /// <summary>The height of <see cref="Rung"/>: from the ladder when it names one, else from the name ("720p" → 720).</summary>
    public int RungHeight(IEnumerable<Media.Rung> ladder) =>
        ladder.FirstOrDefault(rung => rung.Name.Equals(Rung, StringComparison.OrdinalIgnoreCase))?.Height
        ?? (int.TryParse(Rung.TrimEnd('p', 'P'), out var height) && height > 0
            ? height
            : throw new InvalidOperationException($"Streamio:Forensics:Rung '{Rung}' is neither a rung of the ladder nor a height such as 720p."));
}
