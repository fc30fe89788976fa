using PoseLive.Training.Benchmarks;

namespace PoseLive.Tests.Training.Benchmarks;

public class CcsslBenchmarkSettingsTests
{
    [Fact]
    public void Setting_assignments_override_numbers_and_switches_of_a_preset_and_leave_it_unchanged()
    {
        var cached = CcsslBenchmarkSettings.Cached("runs/horse", "source.json");
        var tuned = cached.With("RoundEpochs=2").With("Epochs=8").With("KeepSlope=0.05").With("BoxMargin=0.05").With("Seed=11").With("DataSeed=7");
        Assert.Equal((2, 8, 0.05, 0.05, 11UL, (ulong?)7), (tuned.RoundEpochs, tuned.Epochs, tuned.KeepSlope, tuned.BoxMargin, tuned.Seed, tuned.DataSeed));
        Assert.Null(cached.DataSeed);
        Assert.Equal((1, 4, 0.1, -1.0), (cached.RoundEpochs, cached.Epochs, cached.KeepSlope, cached.BoxMargin));
        Assert.Equal(("runs/horse", 128, 1200), (tuned.PretrainedRun, tuned.Input, tuned.SourceLimit));
    }

    [Theory]
    [InlineData("Epochs", "not Setting=value")]
    [InlineData("Epoch=3", "not Setting=value")]
    [InlineData("Net=tiny", "not Setting=value")]
    [InlineData("Epochs=four", "'four' is not a whole number")]
    [InlineData("BoxMargin=wide", "'wide' is not a number")]
    public void A_bad_assignment_is_refused_with_its_text(string assignment, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new CcsslBenchmarkSettings().With(assignment));
        Assert.Contains(assignment, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void The_gap_closed_is_the_share_of_the_synthetic_to_oracle_distance_a_row_covers()
    {
        Assert.Equal(0.5, CcsslBenchmark.GapOf(0.3, 0.2, 0.4), 12);
        Assert.Equal(-0.25, CcsslBenchmark.GapOf(0.15, 0.2, 0.4), 12);
        Assert.Equal(0.3962, CcsslBenchmark.GapOf(0.335, 0.211, 0.524), 4);
    }
}
