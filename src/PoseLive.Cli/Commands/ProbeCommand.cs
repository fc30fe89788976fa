using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PoseLive.Media;

namespace PoseLive.Cli.Commands;

/// <summary>`poselive probe FILE`: streams, duration, fps, frame count, codec of a media file or input.</summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Video file, URL, device, or (with --format) any libavformat input." };
        var format = new Option<string?>("--format", "-f") { Description = "Input format by name (e.g. lavfi, video4linux2)." };
        var count = new Option<bool>("--count-frames") { Description = "Decode the whole video stream to count its frames exactly." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("probe", "Show the streams of a media file: codec, size, frame rate, time base, duration, frame count, rotation.")
        {
            input, format, count, json,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var path = parse.GetRequiredValue(input);
            using var source = VideoSource.Open(path, new VideoSourceOptions { InputFormat = parse.GetValue(format) });
            long? counted = null;
            if (parse.GetValue(count))
            {
                long n = 0;
                VideoFrame? f;
                while ((f = source.ReadFrame()) is not null) { f.Dispose(); n++; }
                counted = n;
            }
            var c = source.Container;
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    input = path,
                    format = c.Format,
                    duration_s = c.Duration?.TotalSeconds,
                    bit_rate = c.BitRate,
                    video_stream = c.VideoStreamIndex,
                    counted_frames = counted,
                    streams = c.Streams.Select(s => new
                    {
                        index = s.Index, type = s.Type.ToString().ToLowerInvariant(), codec = s.Codec, width = s.Width, height = s.Height,
                        pixel_format = s.PixelFormat, fps = s.FramesPerSecond, time_base = s.TimeBase.ToString(),
                        duration_s = s.DurationTime?.TotalSeconds, frames = s.FrameCount, rotation = s.Rotation,
                        sample_rate = s.SampleRate, channels = s.Channels,
                    }),
                }, new JsonSerializerOptions { WriteIndented = true }));
                return PoseLiveCli.ExitOk;
            }
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine(string.Format(inv, "{0}: format {1}, duration {2}, bit rate {3}",
                path, c.Format, c.Duration is { } d ? $"{d.TotalSeconds:F3} s" : "unknown", c.BitRate > 0 ? $"{c.BitRate / 1000} kb/s" : "unknown"));
            foreach (var s in c.Streams)
            {
                var marker = s.Index == c.VideoStreamIndex ? "*" : " ";
                var text = s.Type switch
                {
                    MediaType.Video => string.Format(inv, "video {0} {1}x{2} {3}, {4:0.###} fps, time base {5}, duration {6}, frames {7}{8}",
                        s.Codec, s.Width, s.Height, s.PixelFormat, s.FramesPerSecond, s.TimeBase,
                        s.DurationTime is { } sd ? $"{sd.TotalSeconds:F3} s" : "unknown",
                        s.Index == c.VideoStreamIndex && counted is long n ? $"{n} (counted)" : s.FrameCount > 0 ? $"{s.FrameCount} (header)" : "unknown",
                        s.Rotation != 0 ? $", rotation {s.Rotation:0.#}°" : ""),
                    MediaType.Audio => string.Format(inv, "audio {0} {1} Hz, {2} channels", s.Codec, s.SampleRate, s.Channels),
                    _ => $"{s.Type.ToString().ToLowerInvariant()} {s.Codec}",
                };
                output.WriteLine($" {marker} stream {s.Index}: {text}");
            }
            return PoseLiveCli.ExitOk;
        });
        return command;
    }
}
