using OnlineLearning.Cli;

return OlrtCommand.Create().Parse(args).Invoke();
