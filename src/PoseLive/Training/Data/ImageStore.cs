using OpenCvSharp;
using PoseLive.Media;

namespace PoseLive.Training.Data;

/// <summary>
/// Decodes the images a dataset refers to, for any number of loader workers at once: stills through OpenCV
/// (imread, BGR → RGB), video frames through FFmpeg by index (one decoder per video: a seek to the frame's
/// time and sequential reads, short forward gaps read through). Decoded images are kept in an LRU cache of
/// <see cref="CacheBytes"/> so that later epochs (and frames read on the way to a seek target) cost nothing.
/// A file that is not a readable image is a <see cref="DatasetException"/> naming it.
/// </summary>
public sealed class ImageStore : IDisposable
{
    /// <summary>Frames at most this far ahead of a video's decoder are read through instead of seeking.</summary>
    public const int ReadThroughFrames = 24;

    private readonly object _cacheLock = new();
    private readonly Dictionary<ImageRef, LinkedListNode<(ImageRef Key, RgbImage Image)>> _cache = [];
    private readonly LinkedList<(ImageRef Key, RgbImage Image)> _lru = new();
    private readonly Dictionary<string, VideoReader> _videos = [];
    private long _cachedBytes;
    private bool _disposed;

    public ImageStore(long cacheBytes = 2L << 30) => CacheBytes = cacheBytes;

    public long CacheBytes { get; }

    /// <summary>Images decoded (cache misses) so far.</summary>
    public long Decoded => Interlocked.Read(ref _decoded);
    private long _decoded;

    public RgbImage Get(ImageRef image)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_cacheLock)
        {
            if (_cache.TryGetValue(Key(image), out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                return node.Value.Image;
            }
        }
        if (!image.IsVideoFrame)
        {
            var still = ReadStill(image.Path);
            Interlocked.Increment(ref _decoded);
            Put(image, still);
            return still;
        }
        VideoReader reader;
        lock (_videos)
        {
            if (!_videos.TryGetValue(image.Path, out reader!)) _videos[image.Path] = reader = new VideoReader(image.Path);
        }
        return reader.Read(image, this);
    }

    /// <summary>
    /// Decodes the given video frames in one sequential pass per video into the cache, as many as the cache holds
    /// (random access into long-GOP video otherwise decodes from the previous key frame every time: vtest.avi has 4 key
    /// frames in 795). Stills are left to on-demand decoding. Returns the frames cached.
    /// </summary>
    public int Preload(IEnumerable<ImageRef> images, CancellationToken cancellationToken = default)
    {
        int cached = 0;
        foreach (var video in images.Where(i => i.IsVideoFrame).Distinct().GroupBy(i => i.Path))
        {
            var wanted = video.Select(i => i.FrameIndex).ToHashSet();
            long last = wanted.Max();
            using var source = VideoReader.Open(video.Key);
            long frameBytes = (long)source.Video.Width * 3 * source.Video.Height;
            VideoFrame? frame;
            while ((frame = source.ReadFrame(cancellationToken)) is not null)
            {
                using (frame)
                {
                    if (wanted.Contains(frame.Index))
                    {
                        lock (_cacheLock) if (_cachedBytes + frameBytes > CacheBytes) return cached;
                        Put(new ImageRef(video.Key, frame.Index), VideoReader.Copy(frame));
                        Interlocked.Increment(ref _decoded);
                        cached++;
                    }
                    if (frame.Index >= last) break;
                }
            }
        }
        return cached;
    }

    /// <summary>Cache key: the file and frame (a frame's timestamp only helps seeking).</summary>
    private static ImageRef Key(ImageRef image) => image with { Timestamp = null };

    private void Put(ImageRef key, RgbImage image)
    {
        key = Key(key);
        if (CacheBytes <= 0) return;
        lock (_cacheLock)
        {
            if (_cache.ContainsKey(key)) return;
            _cache[key] = _lru.AddFirst((key, image));
            _cachedBytes += image.Bytes;
            while (_cachedBytes > CacheBytes && _lru.Last is { } last)
            {
                _lru.RemoveLast();
                _cache.Remove(last.Value.Key);
                _cachedBytes -= last.Value.Image.Bytes;
            }
        }
    }

    private bool IsCached(ImageRef key)
    {
        key = Key(key);
        lock (_cacheLock) return _cache.ContainsKey(key);
    }

    /// <summary>Reads a still image file into packed RGB24.</summary>
    public static RgbImage ReadStill(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: image file does not exist");
        using var bgr = Cv2.ImRead(path, ImreadModes.Color);
        if (bgr.Empty()) throw new DatasetException($"{path}: not a readable image (corrupt or an unsupported format)");
        int w = bgr.Cols, h = bgr.Rows, stride = w * 3;
        var pixels = new byte[stride * h];
        // OpenCV converts straight into the managed array (a Mat header over it: same size and type, so no reallocation)
        using (var rgb = Mat.FromPixelData(h, w, MatType.CV_8UC3, pixels, stride)) Cv2.CvtColor(bgr, rgb, ColorConversionCodes.BGR2RGB);
        return new RgbImage(pixels, w, h, stride);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_videos)
        {
            foreach (var v in _videos.Values) v.Dispose();
            _videos.Clear();
        }
    }

    /// <summary>One video's decoder, used by one worker at a time.</summary>
    private sealed class VideoReader(string path) : IDisposable
    {
        private VideoSource? _source;
        private long _next = -1; // index of the frame the next ReadFrame returns; -1 unknown

        public RgbImage Read(ImageRef image, ImageStore store)
        {
            lock (this)
            {
                if (store.IsCached(image)) return store.Get(image); // another worker decoded it meanwhile
                _source ??= Open(path);
                long wanted = image.FrameIndex;
                if (_next < 0 || wanted < _next || wanted > _next + ReadThroughFrames)
                {
                    double fps = _source.Video.FramesPerSecond;
                    double seconds = image.Timestamp ?? (fps > 0 ? wanted / fps : throw new DatasetException($"{path}: frame {wanted} has no timestamp and the stream no frame rate"));
                    double half = fps > 0 ? 0.5 / fps : 0;
                    _source.Seek(TimeSpan.FromSeconds(Math.Max(0, seconds - half)));
                    _next = -1;
                }
                while (true)
                {
                    using var frame = _source.ReadFrame() ?? throw new DatasetException($"{path}: frame {wanted} is past the end of the video");
                    _next = frame.Index + 1;
                    if (frame.Index < wanted && !store.IsCached(new ImageRef(path, frame.Index))) { store.Put(new ImageRef(path, frame.Index), Copy(frame)); continue; }
                    if (frame.Index < wanted) continue;
                    if (frame.Index > wanted) throw new DatasetException($"{path}: frame {wanted} could not be decoded (the decoder went from {frame.Index - 1} to {frame.Index})");
                    var result = Copy(frame);
                    Interlocked.Increment(ref store._decoded);
                    store.Put(image, result);
                    return result;
                }
            }
        }

        internal static VideoSource Open(string path)
        {
            if (!File.Exists(path)) throw new DatasetException($"{path}: video file does not exist");
            try { return VideoSource.Open(path, new VideoSourceOptions { OutputFormat = PixelFormat.Rgb24 }); }
            catch (MediaException e) { throw new DatasetException($"{path}: not a readable video ({e.Message})"); }
        }

        internal static RgbImage Copy(VideoFrame frame)
        {
            int stride = frame.Width * 3;
            var pixels = new byte[stride * frame.Height];
            for (int y = 0; y < frame.Height; y++) frame.Row(y)[..stride].CopyTo(pixels.AsSpan(y * stride, stride));
            return new RgbImage(pixels, frame.Width, frame.Height, stride);
        }

        public void Dispose()
        {
            lock (this) _source?.Dispose();
        }
    }
}
