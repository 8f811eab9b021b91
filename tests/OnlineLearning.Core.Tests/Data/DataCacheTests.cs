using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Tests.Data;

public sealed class DataCacheTests
{
    [Test]
    public void Root_is_OLRT_DATA_or_the_home_cache()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DataCache.ResolveRoot("/data/olrt", "/home/pi"), Is.EqualTo("/data/olrt"));
            Assert.That(DataCache.ResolveRoot(null, "/home/pi"), Is.EqualTo("/home/pi/.cache/olrt-data"));
            Assert.That(DataCache.ResolveRoot(" ", "/home/pi"), Is.EqualTo("/home/pi/.cache/olrt-data"));
        });
    }

    [TestCase(DataSet.FashionMnist, "tools/data/fetch.sh --only fashion-mnist")]
    [TestCase(DataSet.Mnist, "tools/data/fetch.sh --only mnist")]
    [TestCase(DataSet.Digits, "tools/data/fetch.sh --only digits")]
    [TestCase(DataSet.Ecg, "tools/data/fetch.sh --only ecg")]
    [TestCase(DataSet.BabyEcg, "tools/data/fetch.sh --only baby-ecg")]
    public void A_missing_set_names_the_command_that_fetches_it(DataSet set, string command)
    {
        string empty = Path.GetDirectoryName(Fixture.Write("placeholder", []))!;
        Assert.Multiple(() =>
        {
            Assert.That(DataCache.FetchCommand(set), Is.EqualTo(command));
            Assert.That(DataCache.IsPresent(set, empty), Is.False);
            Assert.That(() => DataCache.Require(set, empty),
                Throws.TypeOf<DataFileException>().With.Message.EndsWith($"is not in the cache (OLRT_DATA or ~/.cache/olrt-data); fetch it with: {command}"));
        });
    }

    [Test]
    public void Every_set_is_in_the_fetch_manifest()
    {
        string manifest = File.ReadAllText(Path.Combine(RepositoryRoot(), "tools", "data", "SHA256SUMS"));
        foreach (DataSet set in Enum.GetValues<DataSet>())
        {
            foreach (string file in DataCache.Files(set))
            {
                Assert.That(manifest, Does.Match($"[0-9a-f]{{64}}  {DataCache.Name(set)}/{file.Replace(".", "\\.", StringComparison.Ordinal)}\n"));
            }
        }
    }

    [Test]
    public void A_set_laid_out_like_fetch_sh_loads_from_a_given_root()
    {
        string root = Path.GetDirectoryName(Fixture.Write("placeholder", []))!;
        Directory.CreateDirectory(Path.Combine(root, "digits"));
        File.Copy(Fixture.Path("digits-head.csv"), Path.Combine(root, "digits", "digits.csv"), overwrite: true);
        Directory.CreateDirectory(Path.Combine(root, "ecg"));
        File.Copy(Fixture.Path("ecg-1s.dat"), Path.Combine(root, "ecg", "ecg.dat"), overwrite: true);
        Assert.Multiple(() =>
        {
            Assert.That(DataCache.IsPresent(DataSet.Digits, root), Is.True);
            Assert.That(DataCache.Digits(root).Count, Is.EqualTo(5));
            Assert.That(DataCache.EcgMillivolts(root), Has.Length.EqualTo(360));
        });
    }

    // The test executable runs from artifacts/bin/... (or a publish folder); the manifest is found upwards.
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tools", "data", "SHA256SUMS")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no repository above " + AppContext.BaseDirectory);
    }
}
