"""Where a run's source comes from: a local file, or a URL / yt-dlp info JSON fetched with yt-dlp.

Both resolve to a slug (the output folder), the ingest stage's cache-key inputs, and a function that produces the
`Source`. A URL's slug is remembered in OUT/.urls.json, so a rerun with nothing changed makes no network call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from pipeline.artifacts import Source, sha256_file, write_atomic
from pipeline.config import Settings
from pipeline.errors import UserError
from pipeline.safety import untrusted
from pipeline.safety.urlsafety import check_url, is_url
from pipeline.sources import web
from pipeline.stages import ingest

URL_INDEX = ".urls.json"


@dataclass
class Target:
    label: str
    slug: str
    key: dict
    make: Callable  # (folder, reporter) -> Source
    folder: Path | None = None  # an existing output folder given as the source: its files are the inputs


def is_web(source: str | Path) -> bool:
    return is_url(str(source)) or str(source).endswith(".info.json")


def is_output_folder(path: Path) -> bool:
    return path.is_dir() and (path / "source.json").is_file()


def refuse_ingest(label: str) -> Source:
    raise UserError(f"{label}: an output folder cannot be ingested again; run `devrel run` on the original source")


def folder_target(path: Path) -> Target:
    """`devrel run outputs/<slug> --from STAGE`: start from the artifacts on disk; the source itself is not needed."""
    folder = path.resolve()
    make = lambda _folder, _reporter: refuse_ingest(str(path))  # noqa: E731
    return Target(label=str(path), slug=folder.name, key={"folder": str(folder)}, make=make, folder=folder)


def local_target(path: Path) -> Target:
    path = Path(path)
    if path.is_dir() and not is_output_folder(path):
        raise UserError(
            f"{path}: is a directory but not an output folder (no source.json); "
            "pass a recording, a transcript or an output folder"
        )
    if is_output_folder(path):
        return folder_target(path)
    path = ingest.check_path(path).resolve()
    stat = path.stat()
    return Target(
        label=str(path),
        slug=ingest.slug_for(path.stem),
        key={"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns},
        make=lambda folder, reporter: ingest.source(path),
    )


def _index(settings: Settings) -> dict:
    try:
        return json.loads((Path(settings.out) / URL_INDEX).read_text())
    except (OSError, ValueError):
        return {}


def _remember(settings: Settings, label: str, slug: str) -> None:
    index = _index(settings)
    if index.get(label) != slug:
        write_atomic(Path(settings.out) / URL_INDEX, json.dumps(index | {label: slug}, indent=1) + "\n")


def _info_file(path: str) -> dict:
    file = ingest.check_path(Path(path))
    try:
        info = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"{path}: not a valid yt-dlp info JSON; write it with `yt-dlp --write-info-json`") from None
    if not isinstance(info, dict) or "id" not in info:
        raise UserError(f"{path}: not a yt-dlp info JSON (no id); write it with `yt-dlp --write-info-json`")
    return info


def web_target(source: str, settings: Settings) -> Target:
    """The info is read once to name the folder; nothing is downloaded until the ingest stage runs."""
    label = str(Path(source).resolve()) if not is_url(source) else source
    if is_url(source):
        check_url(source)
    slug = _index(settings).get(label)
    if not slug or not (Path(settings.out) / slug / "source.json").exists():
        info = _info_file(source) if not is_url(source) else web.info_title(source, settings)
        slug = ingest.slug_for(untrusted.slug_title(info))  # a title marked as an instruction never names the folder
    key = {"url": label, "transcribe": settings.transcribe, "lang": settings.lang}

    def make(folder: Path, reporter) -> Source:
        target = _info_file(source) if not is_url(source) else source
        fetched = web.fetch(
            target,
            settings,
            folder / "media",
            lambda d, t: reporter.progress(d, t, "download"),
            transcribe=settings.transcribe,
        )
        _remember(settings, label, slug)
        return source_from(fetched, slug, settings)

    return Target(label=label, slug=slug, key=key, make=make)


def source_from(fetched: web.Fetched, slug: str, settings: Settings) -> Source:
    info = fetched.info
    duration = info.get("duration")
    if fetched.kind == "media":
        try:
            duration = ingest.media_duration(fetched.path)
        except UserError:
            fetched.path.unlink(missing_ok=True)
            raise UserError(
                f"{info.get('webpage_url')}: no media found (the file is not audio or video); check the URL"
            ) from None
        if duration > settings.max_duration:
            fetched.path.unlink(missing_ok=True)
            raise UserError(
                f"{info.get('webpage_url')}: {duration:.0f}s is over the {settings.max_duration:g}s duration limit"
            )
    date = info.get("upload_date")
    speakers = [name for name in (info.get("creator") or info.get("uploader") or info.get("channel"),) if name]
    return Source(
        kind=fetched.kind,
        slug=slug,
        title=info.get("title") or info.get("id") or slug,
        path=str(fetched.path.resolve()),
        url=info.get("webpage_url") or info.get("original_url"),
        sha256=sha256_file(fetched.path),
        size=fetched.path.stat().st_size,
        duration=duration,
        language=info.get("subtitle_language") or info.get("language"),
        speakers=speakers,
        date=datetime.strptime(date, "%Y%m%d").date().isoformat() if date else None,
        description=(info.get("description") or "")[:2000] or None,
        chapters=web.chapters(info),
    )


def resolve_target(source: str | Path, settings: Settings) -> Target:
    return web_target(str(source), settings) if is_web(source) else local_target(Path(source))


def expand(source: str | Path, settings: Settings) -> list[str]:
    """A playlist or channel URL becomes one source per entry; anything else is itself.

    A URL already fetched as a single video is known from the index: no listing call on a rerun.
    """
    if not is_url(str(source)) or str(source) in _index(settings):
        return [str(source)]
    return web.entries(str(source), settings)


def with_overrides(target: Target, overrides: dict | None) -> Target:
    """What a person says about a source (sources.yaml: title, speakers, tags) wins over its metadata."""
    if not overrides:
        return target
    make = target.make
    return Target(
        label=target.label,
        slug=ingest.slug_for(overrides["title"]) if overrides.get("title") else target.slug,
        key=target.key | {"overrides": overrides},
        make=lambda folder, reporter: make(folder, reporter).model_copy(update=overrides),
        folder=target.folder,
    )
