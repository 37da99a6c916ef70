using Streamio.Cli;
using Streamio.Cli.Commands;

return await CliApp.RunAsync(args, CliConsole.System);
