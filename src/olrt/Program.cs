using OnlineLearning.Cli;

return OlrtCommand.Run(args);
