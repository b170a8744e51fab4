"""yt-dlp for URLs: list a playlist or channel's entries, then fetch one entry's best audio or its subtitles.

yt-dlp does what it already does well (formats, playlists, date windows, subtitles, size and live filters); we add a
fixed output template in a per-job folder, no user config or plugins, and the checks yt-dlp reports with exit 0
(a file over max_filesize or a rejected match_filter is simply not downloaded).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pipeline.artifacts import Chapter
from pipeline.config import Settings
from pipeline.errors import Skipped, UserError
from pipeline.safety.urlsafety import check_url, egress_guard

AUDIO_FORMAT = "bestaudio/best"
Progress = Callable[[float, float], None]


class _Silent:
    """yt-dlp writes errors to stderr itself; we report them as one line instead."""

    def debug(self, msg):
        pass

    info = warning = debug

    def error(self, msg):
        pass


@dataclass
class Fetched:
    info: dict
    path: Path
    kind: str  # "media" or "subtitles"


def _since(value: str | None):
    """`7d`, `2w`, `2026-11-01` or `20261101` → a yt-dlp DateRange (its own date parsing)."""
    if not value:
        return None
    from yt_dlp.utils import DateRange

    text = value.strip()
    if re.fullmatch(r"\d+[dw]", text):
        text = f"today-{text[:-1]}{'day' if text.endswith('d') else 'week'}"
    try:
        return DateRange(start=text.replace("-", "") if re.fullmatch(r"\d{4}-\d\d-\d\d", text) else text)
    except ValueError:
        raise UserError(f"--since {value!r}: use a number of days or weeks (7d, 2w) or a date (2026-11-01)") from None


def base_params(settings: Settings, **extra) -> dict:
    from yt_dlp.globals import plugin_dirs

    plugin_dirs.value = []  # no plugins from the user's home: a URL run must not execute arbitrary code
    from yt_dlp.utils import match_filter_func

    params = {
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": _Silent(),
        "cachedir": False,
        "format": AUDIO_FORMAT,
        "outtmpl": {"default": "%(id)s.%(ext)s"},
        "restrictfilenames": True,
        "noplaylist": True,
        "socket_timeout": 30,
        "retries": 2,
        "max_filesize": settings.max_filesize_mb * 1024 * 1024,
        "match_filter": match_filter_func(["!is_live & !was_live", f"duration <=? {settings.max_duration:g}"]),
        "daterange": _since(settings.since),
    }
    params.update(extra)
    return {key: value for key, value in params.items() if value is not None}


def explain(url: str, error: Exception) -> UserError:
    """yt-dlp's error text, made into one line a user can act on."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).replace("ERROR: ", "")
    text = re.sub(r"\[[\w:]+\] [\w.-]+: ", "", text).split("\n")[0]
    text = re.sub(r" \(caused by .*", "", text)
    if "private address" in text:
        return UserError(
            f"{url}: refused, {text.split('Errno')[-1].strip(' ]:')}; set allow_private_urls in devrel.toml to allow it"
        )
    if "Unsupported URL" in text:
        return UserError(f"{url}: no media found there (unsupported site or not a media page); check the URL")
    if "HTTP Error 404" in text:
        return UserError(f"{url}: not found (HTTP 404); check the URL")
    return UserError(f"{url}: {text.strip()}; check the URL and your network")


def _extract(url: str, settings: Settings, **extra) -> dict:
    import yt_dlp

    check_url(url)
    with egress_guard(settings.allow_private_urls), yt_dlp.YoutubeDL(base_params(settings, **extra)) as ydl:
        try:
            return ydl.sanitize_info(ydl.extract_info(url, download=False))
        except yt_dlp.utils.DownloadError as error:
            raise explain(url, error) from None


def entries(url: str, settings: Settings) -> list[str]:
    """One job per entry: a playlist or channel is listed flat, cut by --max-items (yt-dlp's playlist_items)."""
    extra = {"extract_flat": "in_playlist", "noplaylist": False, "daterange": None}
    if settings.max_items:
        extra["playlist_items"] = f"1:{settings.max_items}"
    info = _extract(url, settings, **extra)
    if info.get("_type") != "playlist":
        return [url]
    found = [entry.get("webpage_url") or entry.get("url") for entry in info.get("entries") or [] if entry]
    if not found:
        raise UserError(f"{url}: the playlist has no entries (or none in the --since window); check the URL")
    return found


def subtitle_track(info: dict, lang: str) -> tuple[str, dict] | None:
    """Subtitles in the talk's language, manual preferred over automatic; VTT preferred."""
    want = lang if lang != "auto" else (info.get("language") or "")
    for pool in (info.get("subtitles") or {}, info.get("automatic_captions") or {}):
        keys = [key for key in pool if want and (key == want or key.split("-")[0] == want)]
        if not want and len(pool) == 1:
            keys = list(pool)
        for key in keys:
            tracks = pool[key]
            vtt = [track for track in tracks if track.get("ext") == "vtt"] or tracks
            if vtt and vtt[0].get("url"):
                return key, vtt[0]
    return None


def _check_limits(url: str, info: dict, settings: Settings) -> None:
    if info.get("is_live") or info.get("live_status") in ("is_live", "is_upcoming"):
        raise UserError(f"{url}: is a live stream; wait for the recording to be published")
    if (info.get("duration") or 0) > settings.max_duration:
        raise UserError(
            f"{url}: {info['duration']:.0f}s is over the {settings.max_duration:g}s duration limit (max_duration)"
        )
    size = info.get("filesize") or info.get("filesize_approx") or 0
    if size > settings.max_filesize_mb * 1024 * 1024:
        raise UserError(
            f"{url}: {size / 2**20:.0f} MB is over the {settings.max_filesize_mb} MB size limit (max_filesize_mb)"
        )


def fetch(
    target: str | dict, settings: Settings, dest: Path, progress: Progress | None = None, transcribe: bool = False
) -> Fetched:
    """Subtitles when the site has them in the talk's language (unless `transcribe`), else the best audio.

    `target` is a URL, or an info dict from yt-dlp's --write-info-json (replayed through yt-dlp itself).
    """
    import yt_dlp

    url = target if isinstance(target, str) else target.get("webpage_url") or target.get("url") or "info.json"
    if isinstance(target, str):
        check_url(target)
    dest.mkdir(parents=True, exist_ok=True)

    def hook(status):
        if progress and status.get("status") in ("downloading", "finished"):
            total = status.get("total_bytes") or status.get("total_bytes_estimate") or 0
            progress(status.get("downloaded_bytes") or 0, total)

    with tempfile.TemporaryDirectory(dir=dest, prefix=".download-") as job:
        params = base_params(settings, paths={"home": job, "temp": job}, progress_hooks=[hook])
        with egress_guard(settings.allow_private_urls), yt_dlp.YoutubeDL(params) as ydl:
            try:
                if isinstance(target, str):
                    info = ydl.sanitize_info(ydl.extract_info(target, download=False))
                else:
                    info = ydl.sanitize_info(ydl.process_ie_result(dict(target), download=False))
                _check_limits(url, info, settings)
                reason = ydl._match_entry(info, incomplete=False)  # yt-dlp's own date/live/duration filters
                if reason:
                    raise Skipped(f"{url}: skipped: {reason}")
                track = None if transcribe else subtitle_track(info, settings.lang)
                if track:
                    key, sub = track
                    final = dest / f"{info['id']}.{key}.{sub.get('ext') or 'vtt'}"
                    final.write_bytes(ydl.urlopen(sub["url"]).read())
                    return Fetched(info=info | {"subtitle_language": key}, path=final, kind="subtitles")
                done = ydl.process_ie_result(dict(info), download=True)
            except yt_dlp.utils.DownloadError as error:
                raise explain(url, error) from None
        files = [Path(d["filepath"]) for d in (done or {}).get("requested_downloads") or [] if d.get("filepath")]
        files = [path for path in files if path.exists()]
        if not files:  # yt-dlp skips a file over max_filesize and still returns normally
            raise UserError(
                f"{url}: not downloaded: over the {settings.max_filesize_mb} MB size limit (max_filesize_mb)"
            )
        final = dest / files[0].name
        files[0].replace(final)
    if final.stat().st_size > settings.max_filesize_mb * 1024 * 1024:
        final.unlink()
        raise UserError(f"{url}: the download is over the {settings.max_filesize_mb} MB size limit (max_filesize_mb)")
    return Fetched(info=info, path=final, kind="media")


def info_title(target: str | dict, settings: Settings) -> dict:
    """Metadata without downloading: enough to name the output folder before any work starts."""
    if isinstance(target, dict):
        return target
    return _extract(target, settings)


def chapters(info: dict) -> list[Chapter]:
    return [
        Chapter(title=c.get("title") or "", start=float(c.get("start_time") or 0), end=c.get("end_time"))
        for c in info.get("chapters") or []
    ]
