using Streamio.Cli;

return await CliApp.RunAsync(args, CliConsole.System);
