namespace Streamio.Cli.Output;

/// <summary>Plain columns separated by two spaces: readable in a terminal, easy to cut or awk in a pipe.</summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable Add(params string?[] cells)
    {
        _rows.Add(cells.Select(cell => cell ?? "-").ToArray());
        return this;
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = headers.Select((header, column) => _rows.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();
        foreach (var row in _rows.Prepend(headers))
        {
            // The last column is not padded, so titles with spaces do not leave trailing blanks.
            writer.WriteLine(string.Join("  ", row.Select((cell, column) => column == row.Length - 1 ? cell : cell.PadRight(widths[column]))));
        }
    }
}
