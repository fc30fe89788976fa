/*
 * libposelive_av: PoseLive's flat C ABI over FFmpeg 5.1.
 *
 * FFmpeg's API is struct-heavy and its struct layouts change between major versions; this shim keeps
 * every struct access on the C side and exposes plain functions and plain-old-data structs to C#.
 * Errors: functions return 0 (or a positive count) on success and a negative AVERROR on failure; the
 * message (with FFmpeg's own text) is in a thread-local buffer read with pl_av_last_error().
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/time.h>
#include <libswscale/swscale.h>

#define PL_API __attribute__((visibility("default")))

/* ---- errors and logging ------------------------------------------------------------------------ */

static __thread char g_error[1024];

static void set_error(int code, const char *fmt, ...)
{
    char context[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
    if (code < 0) {
        char av[200];
        av_strerror(code, av, sizeof av);
        snprintf(g_error, sizeof g_error, "%s: %s", context, av);
    } else {
        snprintf(g_error, sizeof g_error, "%s", context);
    }
}

PL_API const char *pl_av_last_error(void) { return g_error; }

typedef void (*pl_log_fn)(int level, const char *line);
static pl_log_fn g_log;

static void log_callback(void *avcl, int level, const char *fmt, va_list vl)
{
    pl_log_fn fn = g_log;
    if (!fn || level > av_log_get_level()) return;
    char line[1024];
    int print_prefix = 1;
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &print_prefix);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n > 0) fn(level, line);
}

/* Routes FFmpeg's log into fn (NULL restores FFmpeg's default) at the given AV_LOG_* level. */
PL_API void pl_av_set_log(pl_log_fn fn, int level)
{
    g_log = fn;
    av_log_set_level(level);
    av_log_set_callback(fn ? log_callback : av_log_default_callback);
}

static pthread_once_t g_init_once = PTHREAD_ONCE_INIT;
static void init_once(void) { avdevice_register_all(); }

PL_API int pl_av_pix_fmt_from_name(const char *name) { return av_get_pix_fmt(name); }

PL_API const char *pl_av_pix_fmt_name(int fmt)
{
    const char *n = av_get_pix_fmt_name((enum AVPixelFormat)fmt);
    return n ? n : "none";
}

PL_API void pl_av_free(void *p) { av_free(p); }

/* ---- sources: demux + decode -------------------------------------------------------------------- */

typedef struct pl_stream_info {
    int index;
    int media_type; /* AVMediaType: 0 video, 1 audio, 2 data, 3 subtitle */
    char codec[32];
    int width, height, pix_fmt;
    int tb_num, tb_den;
    int avg_fps_num, avg_fps_den;
    int r_fps_num, r_fps_den;
    int64_t start_time; /* stream time base; INT64_MIN when unknown */
    int64_t duration;   /* stream time base; INT64_MIN when unknown */
    int64_t nb_frames;  /* from the container header; 0 when unknown */
    double rotation;    /* display-matrix rotation in degrees (counter-clockwise), 0 when none */
    int sample_rate, channels;
    int64_t bit_rate;
} pl_stream_info;

typedef struct pl_container_info {
    char format[64];
    int64_t duration_us; /* INT64_MIN when unknown */
    int64_t bit_rate;
    int stream_count;
    int video_stream; /* index of the decoded video stream */
} pl_container_info;

typedef struct pl_frame_info {
    int64_t pts; /* best-effort timestamp, stream time base; INT64_MIN when none */
    int64_t duration;
    int width, height, pix_fmt;
    int key_frame;
    uint8_t *data[4];
    int linesize[4];
} pl_frame_info;

typedef struct pl_source {
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    int vstream;
    int packet_pending; /* pkt holds a packet the decoder refused with EAGAIN */
    int draining;
    struct SwsContext *sws;
    int64_t corrupt_packets;
    int64_t decode_errors;
} pl_source;

PL_API void pl_source_close(pl_source *s)
{
    if (!s) return;
    sws_freeContext(s->sws);
    av_frame_free(&s->frame);
    av_packet_free(&s->pkt);
    avcodec_free_context(&s->dec);
    avformat_close_input(&s->fmt);
    av_free(s);
}

/*
 * Opens url (a file, a URL, a device such as /dev/video0, or a lavfi graph) with an optional input
 * format name ("video4linux2", "lavfi", ...) and options (video_size, framerate, ...), and an opened
 * decoder for its best video stream. threads: decoder threads, 0 = automatic.
 */
PL_API int pl_source_open(const char *url, const char *format, const char *const *keys, const char *const *values,
                          int option_count, int threads, pl_source **out)
{
    pthread_once(&g_init_once, init_once);
    *out = NULL;
    const AVInputFormat *ifmt = NULL;
    if (format && *format) {
        ifmt = av_find_input_format(format);
        if (!ifmt) {
            set_error(0, "unknown input format '%s'", format);
            return AVERROR_DEMUXER_NOT_FOUND;
        }
    }
    AVDictionary *opts = NULL;
    for (int i = 0; i < option_count; i++) av_dict_set(&opts, keys[i], values[i], 0);

    pl_source *s = av_mallocz(sizeof *s);
    if (!s) {
        av_dict_free(&opts);
        set_error(AVERROR(ENOMEM), "allocating a source");
        return AVERROR(ENOMEM);
    }
    s->vstream = -1;
    int r = avformat_open_input(&s->fmt, url, ifmt, &opts);
    if (r >= 0 && av_dict_count(opts) > 0) {
        const AVDictionaryEntry *e = av_dict_get(opts, "", NULL, AV_DICT_IGNORE_SUFFIX);
        set_error(0, "option '%s' is not recognised by input format %s", e->key, s->fmt->iformat->name);
        r = AVERROR_OPTION_NOT_FOUND;
    }
    av_dict_free(&opts);
    if (r < 0) {
        if (r != AVERROR_OPTION_NOT_FOUND) set_error(r, "cannot open '%s'", url);
        goto fail;
    }
    r = avformat_find_stream_info(s->fmt, NULL);
    if (r < 0) {
        set_error(r, "cannot read stream information of '%s'", url);
        goto fail;
    }
    const AVCodec *codec = NULL;
    r = av_find_best_stream(s->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (r < 0) {
        set_error(r == AVERROR_DECODER_NOT_FOUND ? r : 0,
                  r == AVERROR_DECODER_NOT_FOUND ? "no decoder for the video stream of '%s'" : "'%s' has no video stream", url);
        if (r != AVERROR_DECODER_NOT_FOUND) r = AVERROR_STREAM_NOT_FOUND;
        goto fail;
    }
    s->vstream = r;
    for (unsigned i = 0; i < s->fmt->nb_streams; i++)
        if ((int)i != s->vstream) s->fmt->streams[i]->discard = AVDISCARD_ALL;
    AVStream *st = s->fmt->streams[s->vstream];
    s->dec = avcodec_alloc_context3(codec);
    if (!s->dec) {
        r = AVERROR(ENOMEM);
        set_error(r, "allocating a decoder");
        goto fail;
    }
    r = avcodec_parameters_to_context(s->dec, st->codecpar);
    if (r < 0) {
        set_error(r, "configuring the %s decoder", codec->name);
        goto fail;
    }
    s->dec->pkt_timebase = st->time_base;
    s->dec->thread_count = threads;
    r = avcodec_open2(s->dec, codec, NULL);
    if (r < 0) {
        set_error(r, "opening the %s decoder", codec->name);
        goto fail;
    }
    s->pkt = av_packet_alloc();
    s->frame = av_frame_alloc();
    if (!s->pkt || !s->frame) {
        r = AVERROR(ENOMEM);
        set_error(r, "allocating packet/frame");
        goto fail;
    }
    *out = s;
    return 0;
fail:
    pl_source_close(s);
    return r;
}

PL_API int pl_source_container_info(pl_source *s, pl_container_info *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->format, sizeof info->format, "%s", s->fmt->iformat->name);
    info->duration_us = s->fmt->duration == AV_NOPTS_VALUE ? INT64_MIN : s->fmt->duration;
    info->bit_rate = s->fmt->bit_rate;
    info->stream_count = (int)s->fmt->nb_streams;
    info->video_stream = s->vstream;
    return 0;
}

PL_API int pl_source_stream_info(pl_source *s, int index, pl_stream_info *info)
{
    memset(info, 0, sizeof *info);
    if (index < 0 || (unsigned)index >= s->fmt->nb_streams) {
        set_error(0, "stream index %d out of range (0..%u)", index, s->fmt->nb_streams);
        return AVERROR(EINVAL);
    }
    AVStream *st = s->fmt->streams[index];
    AVCodecParameters *par = st->codecpar;
    info->index = index;
    info->media_type = par->codec_type;
    snprintf(info->codec, sizeof info->codec, "%s", avcodec_get_name(par->codec_id));
    info->width = par->width;
    info->height = par->height;
    info->pix_fmt = par->format;
    info->tb_num = st->time_base.num;
    info->tb_den = st->time_base.den;
    info->avg_fps_num = st->avg_frame_rate.num;
    info->avg_fps_den = st->avg_frame_rate.den;
    info->r_fps_num = st->r_frame_rate.num;
    info->r_fps_den = st->r_frame_rate.den;
    info->start_time = st->start_time == AV_NOPTS_VALUE ? INT64_MIN : st->start_time;
    info->duration = st->duration == AV_NOPTS_VALUE ? INT64_MIN : st->duration;
    info->nb_frames = st->nb_frames;
    const uint8_t *matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
    info->rotation = matrix ? av_display_rotation_get((const int32_t *)matrix) : 0.0;
    if (info->rotation != info->rotation) info->rotation = 0.0; /* NaN for a degenerate matrix */
    info->sample_rate = par->sample_rate;
    info->channels = par->ch_layout.nb_channels;
    info->bit_rate = par->bit_rate;
    return 0;
}

static void fill_frame_info(const AVFrame *f, pl_frame_info *fi)
{
    fi->pts = f->best_effort_timestamp == AV_NOPTS_VALUE ? INT64_MIN : f->best_effort_timestamp;
    fi->duration = f->pkt_duration;
    fi->width = f->width;
    fi->height = f->height;
    fi->pix_fmt = f->format;
    fi->key_frame = f->key_frame;
    for (int i = 0; i < 4; i++) {
        fi->data[i] = f->data[i];
        fi->linesize[i] = f->linesize[i];
    }
}

/*
 * Decodes the next video frame. Returns 1 with *fi filled (plane pointers valid until the next call),
 * 0 at the end of the stream (after the decoder has been drained), or a negative AVERROR for a fatal
 * error. A corrupt packet is skipped with a warning and decoding continues.
 */
PL_API int pl_source_next(pl_source *s, pl_frame_info *fi)
{
    for (;;) {
        int r = avcodec_receive_frame(s->dec, s->frame);
        if (r == 0) {
            fill_frame_info(s->frame, fi);
            return 1;
        }
        if (r == AVERROR_EOF) return 0;
        if (r != AVERROR(EAGAIN)) {
            s->decode_errors++;
            av_log(s->dec, AV_LOG_WARNING, "skipping a frame that failed to decode (%s)\n", av_err2str(r));
            if (s->draining) return 0;
            continue;
        }
        if (s->draining) return 0; /* EAGAIN after the flush packet: nothing more will come */

        if (!s->packet_pending) {
            r = av_read_frame(s->fmt, s->pkt);
            if (r == AVERROR(EAGAIN)) { /* a non-blocking device with no data yet */
                av_usleep(1000);
                continue;
            }
            if (r < 0) {
                if (r != AVERROR_EOF)
                    av_log(s->fmt, AV_LOG_WARNING, "input ended with a read error (%s); decoding what was read\n", av_err2str(r));
                avcodec_send_packet(s->dec, NULL); /* enter draining mode: the last frames come out now */
                s->draining = 1;
                continue;
            }
            if (s->pkt->stream_index != s->vstream) {
                av_packet_unref(s->pkt);
                continue;
            }
        }
        r = avcodec_send_packet(s->dec, s->pkt);
        if (r == AVERROR(EAGAIN)) { /* decoder full: keep the packet, read frames first */
            s->packet_pending = 1;
            continue;
        }
        s->packet_pending = 0;
        if (r < 0) {
            s->corrupt_packets++;
            av_log(s->dec, AV_LOG_WARNING, "skipping a corrupt packet at pts %" PRId64 " (%s)\n", s->pkt->pts, av_err2str(r));
        }
        av_packet_unref(s->pkt);
    }
}

/* Counters of skipped damage since open: corrupt packets and frames that failed to decode. */
PL_API void pl_source_damage(pl_source *s, int64_t *corrupt_packets, int64_t *decode_errors)
{
    *corrupt_packets = s->corrupt_packets;
    *decode_errors = s->decode_errors;
}

/*
 * swscale's SIMD converters store whole vectors and were measured writing up to 32 bytes past the last row of a
 * plane (yuv420p -> rgb24/bgr24/rgba at small widths); every destination plane must have this much slack after
 * stride x rows, or the caller's memory beyond it (a managed heap) would be overwritten.
 */
#define PL_CONVERT_PADDING 64
PL_API int pl_convert_padding(void) { return PL_CONVERT_PADDING; }

/*
 * Converts the current frame to dst_fmt at dst_w x dst_h into the planes dst[0..3] with row strides
 * dst_strides[0..3] (bytes); packed formats use plane 0 only. dst_sizes[0..3] are the bytes available at each
 * plane: at least stride x rows + PL_CONVERT_PADDING, checked before anything is written.
 */
PL_API int pl_source_convert(pl_source *s, int dst_fmt, uint8_t *const *dst, const int *dst_strides, const int64_t *dst_sizes,
                             int dst_w, int dst_h)
{
    AVFrame *f = s->frame;
    if (!f->data[0]) {
        set_error(0, "no decoded frame to convert");
        return AVERROR(EINVAL);
    }
    size_t need[4];
    ptrdiff_t linesizes[4] = {dst_strides[0], dst_strides[1], dst_strides[2], dst_strides[3]};
    int r0 = av_image_fill_plane_sizes(need, dst_fmt, dst_h, linesizes);
    if (r0 < 0) {
        set_error(r0, "destination planes of %s %dx%d", pl_av_pix_fmt_name(dst_fmt), dst_w, dst_h);
        return r0;
    }
    for (int p = 0; p < 4; p++) {
        if (!need[p]) continue;
        if (!dst[p] || dst_sizes[p] < (int64_t)need[p] + PL_CONVERT_PADDING) {
            set_error(0, "destination plane %d holds %lld bytes; %s %dx%d with stride %d needs %lld (%d of them slack for SIMD stores)",
                      p, (long long)dst_sizes[p], pl_av_pix_fmt_name(dst_fmt), dst_w, dst_h, dst_strides[p],
                      (long long)need[p] + PL_CONVERT_PADDING, PL_CONVERT_PADDING);
            return AVERROR(EINVAL);
        }
    }
    /* JPEG's deprecated yuvj* formats are yuv* with full range: convert with the range stated explicitly */
    int src_fmt = f->format, full_range = f->color_range == AVCOL_RANGE_JPEG;
    switch (src_fmt) {
    case AV_PIX_FMT_YUVJ420P: src_fmt = AV_PIX_FMT_YUV420P; full_range = 1; break;
    case AV_PIX_FMT_YUVJ422P: src_fmt = AV_PIX_FMT_YUV422P; full_range = 1; break;
    case AV_PIX_FMT_YUVJ444P: src_fmt = AV_PIX_FMT_YUV444P; full_range = 1; break;
    case AV_PIX_FMT_YUVJ440P: src_fmt = AV_PIX_FMT_YUV440P; full_range = 1; break;
    default: break;
    }
    s->sws = sws_getCachedContext(s->sws, f->width, f->height, src_fmt, dst_w, dst_h, dst_fmt, SWS_BICUBIC, NULL, NULL, NULL);
    if (!s->sws) {
        set_error(0, "no conversion from %s %dx%d to %s %dx%d", pl_av_pix_fmt_name(f->format), f->width, f->height,
                  pl_av_pix_fmt_name(dst_fmt), dst_w, dst_h);
        return AVERROR(EINVAL);
    }
    if (full_range) {
        int *inv, *table, src_range, dst_range, brightness, contrast, saturation;
        if (sws_getColorspaceDetails(s->sws, &inv, &src_range, &table, &dst_range, &brightness, &contrast, &saturation) >= 0)
            sws_setColorspaceDetails(s->sws, inv, 1, table, dst_range, brightness, contrast, saturation);
    }
    int r = sws_scale(s->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, dst_strides);
    if (r < 0) {
        set_error(r, "converting a frame");
        return r;
    }
    return 0;
}

/* Seeks to the key frame at or before ts (stream time base) and resets the decoder. */
PL_API int pl_source_seek(pl_source *s, int64_t ts)
{
    int r = avformat_seek_file(s->fmt, s->vstream, INT64_MIN, ts, ts, 0);
    if (r < 0) r = av_seek_frame(s->fmt, s->vstream, ts, AVSEEK_FLAG_BACKWARD);
    if (r < 0) {
        set_error(r, "seeking to %" PRId64, ts);
        return r;
    }
    avcodec_flush_buffers(s->dec);
    if (s->packet_pending) av_packet_unref(s->pkt);
    s->packet_pending = 0;
    s->draining = 0;
    return 0;
}

/* ---- encoders: H.264 in MP4 (or any codec/muxer pair), PNG stills ------------------------------- */

typedef struct pl_encoder {
    AVFormatContext *fmt;
    AVCodecContext *enc;
    AVStream *st;
    AVFrame *frame;
    AVPacket *pkt;
    struct SwsContext *sws;
    int header_written;
    int finished;
} pl_encoder;

PL_API void pl_encoder_close(pl_encoder *e)
{
    if (!e) return;
    if (e->fmt && e->fmt->pb) avio_closep(&e->fmt->pb);
    sws_freeContext(e->sws);
    av_packet_free(&e->pkt);
    av_frame_free(&e->frame);
    avcodec_free_context(&e->enc);
    avformat_free_context(e->fmt);
    av_free(e);
}

/*
 * Opens an encoder writing path with muxer format_name (e.g. "mp4") and encoder codec_name
 * (e.g. "libx264"); frames are width x height, timestamps in tb_num/tb_den. The encoded size is
 * rounded up to even dimensions (4:2:0 needs them). crf < 0 keeps the codec default.
 */
PL_API int pl_encoder_open(const char *path, const char *format_name, const char *codec_name, int width, int height,
                           int tb_num, int tb_den, int fps_num, int fps_den, int crf, const char *preset, pl_encoder **out)
{
    pthread_once(&g_init_once, init_once);
    *out = NULL;
    int r;
    pl_encoder *e = av_mallocz(sizeof *e);
    if (!e) return AVERROR(ENOMEM);
    r = avformat_alloc_output_context2(&e->fmt, NULL, format_name, path);
    if (r < 0 || !e->fmt) {
        set_error(r < 0 ? r : AVERROR_MUXER_NOT_FOUND, "no muxer '%s' for '%s'", format_name, path);
        goto fail;
    }
    const AVCodec *codec = avcodec_find_encoder_by_name(codec_name);
    if (!codec) {
        r = AVERROR_ENCODER_NOT_FOUND;
        set_error(0, "no encoder named '%s' in this FFmpeg", codec_name);
        goto fail;
    }
    e->enc = avcodec_alloc_context3(codec);
    e->enc->width = (width + 1) & ~1;
    e->enc->height = (height + 1) & ~1;
    e->enc->pix_fmt = codec->pix_fmts ? codec->pix_fmts[0] : AV_PIX_FMT_YUV420P;
    for (const enum AVPixelFormat *p = codec->pix_fmts; p && *p != AV_PIX_FMT_NONE; p++)
        if (*p == AV_PIX_FMT_YUV420P) e->enc->pix_fmt = AV_PIX_FMT_YUV420P;
    e->enc->time_base = (AVRational){tb_num, tb_den};
    if (fps_num > 0 && fps_den > 0) e->enc->framerate = (AVRational){fps_num, fps_den};
    if (e->fmt->oformat->flags & AVFMT_GLOBALHEADER) e->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (preset && *preset) av_opt_set(e->enc->priv_data, "preset", preset, 0);
    if (crf >= 0) av_opt_set_int(e->enc->priv_data, "crf", crf, 0);
    r = avcodec_open2(e->enc, codec, NULL);
    if (r < 0) {
        set_error(r, "opening encoder %s (%dx%d)", codec_name, e->enc->width, e->enc->height);
        goto fail;
    }
    e->st = avformat_new_stream(e->fmt, NULL);
    if (!e->st) {
        r = AVERROR(ENOMEM);
        set_error(r, "adding a stream");
        goto fail;
    }
    r = avcodec_parameters_from_context(e->st->codecpar, e->enc);
    if (r < 0) {
        set_error(r, "copying encoder parameters");
        goto fail;
    }
    e->st->time_base = e->enc->time_base;
    if (!(e->fmt->oformat->flags & AVFMT_NOFILE)) {
        r = avio_open(&e->fmt->pb, path, AVIO_FLAG_WRITE);
        if (r < 0) {
            set_error(r, "cannot write '%s'", path);
            goto fail;
        }
    }
    r = avformat_write_header(e->fmt, NULL);
    if (r < 0) {
        set_error(r, "writing the %s header of '%s'", format_name, path);
        goto fail;
    }
    e->header_written = 1;
    e->frame = av_frame_alloc();
    e->pkt = av_packet_alloc();
    e->frame->format = e->enc->pix_fmt;
    e->frame->width = e->enc->width;
    e->frame->height = e->enc->height;
    r = av_frame_get_buffer(e->frame, 0);
    if (r < 0) {
        set_error(r, "allocating an encoder frame");
        goto fail;
    }
    *out = e;
    return 0;
fail:
    pl_encoder_close(e);
    return r;
}

static int drain_packets(pl_encoder *e)
{
    for (;;) {
        int r = avcodec_receive_packet(e->enc, e->pkt);
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return 0;
        if (r < 0) {
            set_error(r, "encoding");
            return r;
        }
        /* Without a duration the MP4 edit list ends at the last frame's start and drops that frame. */
        if (e->pkt->duration <= 0 && e->enc->framerate.num > 0 && e->enc->framerate.den > 0)
            e->pkt->duration = av_rescale_q(1, av_inv_q(e->enc->framerate), e->enc->time_base);
        av_packet_rescale_ts(e->pkt, e->enc->time_base, e->st->time_base);
        e->pkt->stream_index = e->st->index;
        r = av_interleaved_write_frame(e->fmt, e->pkt);
        if (r < 0) {
            set_error(r, "writing a packet");
            return r;
        }
    }
}

/* Encodes one frame of src_fmt pixels (width x height given at open, row stride bytes) at pts. */
PL_API int pl_encoder_write(pl_encoder *e, const uint8_t *src, int stride, int src_fmt, int src_w, int src_h, int64_t pts)
{
    int r = av_frame_make_writable(e->frame);
    if (r < 0) {
        set_error(r, "making the encoder frame writable");
        return r;
    }
    e->sws = sws_getCachedContext(e->sws, src_w, src_h, src_fmt, e->enc->width, e->enc->height, e->enc->pix_fmt, SWS_BICUBIC,
                                  NULL, NULL, NULL);
    if (!e->sws) {
        set_error(0, "no conversion from %s to %s", pl_av_pix_fmt_name(src_fmt), pl_av_pix_fmt_name(e->enc->pix_fmt));
        return AVERROR(EINVAL);
    }
    const uint8_t *planes[4] = {src, NULL, NULL, NULL};
    int strides[4] = {stride, 0, 0, 0};
    sws_scale(e->sws, planes, strides, 0, src_h, e->frame->data, e->frame->linesize);
    e->frame->pts = pts;
    r = avcodec_send_frame(e->enc, e->frame);
    if (r < 0) {
        set_error(r, "sending frame pts %" PRId64 " to the encoder", pts);
        return r;
    }
    return drain_packets(e);
}

/* Flushes the encoder and writes the trailer; the file is complete when this returns 0. */
PL_API int pl_encoder_finish(pl_encoder *e)
{
    if (e->finished) return 0;
    int r = avcodec_send_frame(e->enc, NULL);
    if (r < 0 && r != AVERROR_EOF) {
        set_error(r, "flushing the encoder");
        return r;
    }
    r = drain_packets(e);
    if (r < 0) return r;
    r = av_write_trailer(e->fmt);
    if (r < 0) {
        set_error(r, "writing the trailer");
        return r;
    }
    if (e->fmt->pb) {
        avio_flush(e->fmt->pb);
        r = e->fmt->pb->error;
        if (r < 0) {
            set_error(r, "writing the output file");
            return r;
        }
        avio_closep(&e->fmt->pb);
    }
    e->finished = 1;
    return 0;
}

/* Encodes one image as PNG into a new av_malloc'd buffer (free with pl_av_free). */
PL_API int pl_encode_png(const uint8_t *src, int stride, int src_fmt, int width, int height, uint8_t **out, int *out_size)
{
    *out = NULL;
    *out_size = 0;
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    if (!codec) {
        set_error(0, "this FFmpeg has no PNG encoder");
        return AVERROR_ENCODER_NOT_FOUND;
    }
    int dst_fmt = src_fmt == AV_PIX_FMT_RGBA ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24;
    AVCodecContext *c = avcodec_alloc_context3(codec);
    AVFrame *f = av_frame_alloc();
    AVPacket *p = av_packet_alloc();
    struct SwsContext *sws = NULL;
    int r = AVERROR(ENOMEM);
    if (!c || !f || !p) goto done;
    c->width = width;
    c->height = height;
    c->pix_fmt = dst_fmt;
    c->time_base = (AVRational){1, 25};
    r = avcodec_open2(c, codec, NULL);
    if (r < 0) {
        set_error(r, "opening the PNG encoder");
        goto done;
    }
    f->format = dst_fmt;
    f->width = width;
    f->height = height;
    r = av_frame_get_buffer(f, 0);
    if (r < 0) goto done;
    sws = sws_getContext(width, height, src_fmt, width, height, dst_fmt, SWS_POINT, NULL, NULL, NULL);
    if (!sws) {
        r = AVERROR(EINVAL);
        set_error(0, "no conversion from %s to %s", pl_av_pix_fmt_name(src_fmt), pl_av_pix_fmt_name(dst_fmt));
        goto done;
    }
    const uint8_t *planes[4] = {src, NULL, NULL, NULL};
    int strides[4] = {stride, 0, 0, 0};
    sws_scale(sws, planes, strides, 0, height, f->data, f->linesize);
    r = avcodec_send_frame(c, f);
    if (r >= 0) r = avcodec_send_frame(c, NULL);
    if (r >= 0) r = avcodec_receive_packet(c, p);
    if (r < 0) {
        set_error(r, "encoding PNG");
        goto done;
    }
    *out = av_malloc(p->size);
    if (!*out) {
        r = AVERROR(ENOMEM);
        goto done;
    }
    memcpy(*out, p->data, p->size);
    *out_size = p->size;
    r = 0;
done:
    sws_freeContext(sws);
    av_packet_free(&p);
    av_frame_free(&f);
    avcodec_free_context(&c);
    return r;
}
