using Streamio.Host;

var app = StreamioApp.Build(args);
app.Run();

/// <summary>Exposed so tests can reference the entry assembly.</summary>
public partial class Program;
