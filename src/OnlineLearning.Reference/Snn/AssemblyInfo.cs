using System.Runtime.CompilerServices;

// The tests reach the smooth-spike forward and the F-OTPE objective, which are not part of the public API.
[assembly: InternalsVisibleTo("OnlineLearning.Reference.Tests")]
