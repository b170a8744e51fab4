"""check: read drafts the way a reviewer would and report what cannot be trusted yet.

Per draft: front matter valid against its type's schema; quotes (blockquotes, and inline “…” "…" 「…」) found in the
source's transcript; platform limits; telltale AI phrases (an editable list per language); URLs and @handles that
neither the source's metadata nor the corpus mention (the transcript is untrusted: it vouches for quotes, not links);
and what a reader notices (pipeline.check.reader): fragment and repeated quotes, restated answers, copies, stock
openers, names the source never mentions.
Drafts are parsed with markdown-it-py, so code is never read as prose
and a link's target is read from the link, not guessed from the text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from pipeline.artifacts import Source, Transcript, file_title
from pipeline.check.grounding import find_quote
from pipeline.check.parsed import MARKDOWN, FileReport, Grounds, canonical_url, fold, inline_text, sections
from pipeline.check.reader import Draft, fragment, repeats, review
from pipeline.errors import UserError
from pipeline.format.frontmatter import split_front_matter
from pipeline.format.limits import DISCORD, X_LINK, X_POST, x_length
from pipeline.format.text import CJK, guess_language
from pipeline.kinds import BY_FILE, BY_STAGE, BY_TYPE, DRAFT_FILES as DRAFTS, front_matter_problems
from pipeline.llm.prompts import BUILTIN_DIR
from pipeline.safety.untrusted import check_problems  # a draft repeating marked (injection) text fails

DRAFT_FILES = {name: kind.stage for file, kind in BY_FILE.items() for name in (file, file.replace(".md", ".new.md"))}
TYPE_KINDS = {
    **{name: kind.stage for name, kind in BY_TYPE.items()},
    **{stage: stage for stage in BY_STAGE},
}  # hook or hooks
INLINE_QUOTE = re.compile(r"“([^”]+)”|「([^」]+)」|『([^』]+)』|\"([^\"\n]+)\"")
ATTRIBUTION = re.compile(r"^\s*(?:—|–|―|--)")
URL = re.compile(r"https?://[^\s<>()\[\]{}\"'`\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
HANDLE = re.compile(r"(?<![A-Za-z0-9_.@/])@([A-Za-z0-9_]{2,39})\b")


@dataclass
class CheckReport:
    files: list[FileReport]

    @property
    def failures(self) -> int:
        return sum(len(messages) for report in self.files for messages in report.problems.values())

    def figures(self) -> dict[str, float | int]:
        """What manifest.json records. No quote at all counts as fully grounded: nothing unverified reached a draft.
        A fragment or a repeated quote is not verified, even when the transcript has it: a reader cannot trust it."""
        total = sum(report.quotes_total for report in self.files)
        verified = sum(report.quotes_verified for report in self.files)
        return {
            "quotes_total": total,
            "quotes_verified": verified,
            "groundedness": round(verified / total, 3) if total else 1.0,
            "failures": self.failures,
        }


def _fold_all(texts: list[str]) -> str:
    return unicodedata.normalize("NFKC", "\n".join(texts)).casefold()


def grounds(folder: Path, corpus: Path | None) -> Grounds:
    transcript, corpus_texts = None, []
    if (folder / "transcript.json").is_file():
        try:
            transcript = Transcript.model_validate_json((folder / "transcript.json").read_text(encoding="utf-8"))
        except ValueError:
            pass  # reported per draft as "no transcript to verify against"
    source = _read(folder / "source.json")
    past: list[str] = []
    if corpus and corpus.is_dir():
        paths = [path for path in sorted(corpus.rglob("*")) if path.suffix in (".md", ".txt")]
        corpus_texts = [_read(path) for path in paths]
        past = [text for path, text in zip(paths, corpus_texts) if path.stem != folder.name]  # not its own approval
    text = _fold_all([source, *corpus_texts])
    spoken = _fold_all([transcript.text()]) if transcript else ""
    names = "\n".join([source_names(source), transcript.text() if transcript else "", *corpus_texts])
    urls = {canonical_url(url) for url in URL.findall(text)}
    try:
        parsed = Source.model_validate_json(source) if source else None
    except ValueError:
        parsed = None
    return Grounds(
        transcript=transcript,
        text=text,
        urls=urls,
        spoken=spoken,
        summaries=folder_summaries(folder),
        names_text=names,
        source=parsed,
        past=past,
    )


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


def source_names(text: str) -> str:
    """What source.json says about the talk, without what our ingest made up from the file name (slug, path, a
    title that is only the file's stem): "zh club" is not a name the talk gave."""
    try:
        meta = json.loads(text) if text else {}
    except ValueError:
        return ""
    if not isinstance(meta, dict):
        return ""
    stem = file_title(str(meta.get("path") or ""))
    kept = {key: value for key, value in meta.items() if key not in ("slug", "path", "sha256", "size", "kind")}
    if stem and str(kept.get("title", "")).strip() == stem:
        kept.pop("title")
    return json.dumps(kept, ensure_ascii=False)


def folder_summaries(folder: Path) -> list[str]:
    """The summaries a hook or community post must not repeat: the blog's front matter and the outline's."""
    meta, _, _ = split_front_matter(_read(folder / BY_STAGE["blog"].file))
    found = [str((meta or {}).get("summary") or "")]
    try:
        outline = json.loads(_read(folder / "outline.json") or "{}")
        found.append(str(outline.get("summary") or "") if isinstance(outline, dict) else "")
    except ValueError:
        pass
    return [summary for summary in dict.fromkeys(found) if summary.strip()]


def draft_kind(path: Path, meta: dict | None) -> str:
    if path.name in DRAFT_FILES:
        return DRAFT_FILES[path.name]
    return TYPE_KINDS.get(str((meta or {}).get("type")), "blog")


def _long_enough(text: str) -> bool:
    """A quote, not a quoted term: four words, or six CJK characters."""
    return len(CJK.findall(text)) >= 6 or len(re.findall(r"[^\W_]+", CJK.sub(" ", text))) >= 4


SENTENCE_BREAK = re.compile(r"[.!?]+[”\"’')]*(?=\s|$)|[。！？]+[”」』]*")


def quotes_in_context(tokens: list[Token]) -> list[tuple[str, str]]:
    """Blockquotes (without their "— [00:04](…)" attribution line) and long enough inline quotes, each with the
    sentence it sits in: a blockquote is its own context; an inline quote's is the sentence
    around it (`He said, “Wow, I hate meetings.” But…`), which tells the speaker's own reported speech, in a passage
    of their words, from a quote we chose."""
    quotes, depth, current = [], 0, []
    for token in tokens:
        if token.type == "blockquote_open":
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
            if depth == 0 and current:
                quotes.append((" ".join(current),) * 2)
                current = []
        elif token.type == "inline" and depth:
            current += [
                line.strip() for line in inline_text(token).splitlines() if line.strip() and not ATTRIBUTION.match(line)
            ]
        elif token.type == "inline":
            text = inline_text(token)
            for match in INLINE_QUOTE.finditer(text):
                quote = next(group for group in match.groups() if group)
                if _long_enough(quote):
                    quotes.append((quote.strip(), _sentence_around(text, match.start(), match.end())))
    return quotes


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence a span sits in: from the last sentence end before it to the first one after it."""
    before = max((m.end() for m in SENTENCE_BREAK.finditer(text, 0, start)), default=0)
    if re.search(r"[.!?。！？]$", text[start:end].rstrip("”\"」』’'")):
        return text[before:end].strip()  # the quote ends its sentence: 'I was, like, “Wow, I hate meetings.”'
    after = next((m.end() for m in SENTENCE_BREAK.finditer(text, end)), len(text))
    return text[before:after].strip()


def limit_problems(kind: str, tokens: list[Token], body: str) -> list[str]:
    problems = []
    for heading, text in sections(tokens, body):
        if kind == "hooks" and re.match(r"X post\b", heading, re.I) and x_length(text) > X_POST:
            problems.append(
                f"{heading.split('(')[0].strip()}: {x_length(text)}/{X_POST} characters (links count {X_LINK})"
            )
        if kind == "community" and heading.lower().startswith("discord") and len(text) > DISCORD:
            problems.append(f"Discord post: {len(text)}/{DISCORD} characters")
    return problems


def says(text: str, phrase: str) -> bool:
    """The phrase as whole words ("as an ai" is not in "has an aim"); CJK has no word boundaries to respect."""
    folded = fold(phrase)
    edge = r"(?<![a-z0-9])" if re.match(r"[a-z0-9]", folded) else ""
    tail = r"(?![a-z0-9])" if re.search(r"[a-z0-9]$", folded) else ""
    return bool(folded) and re.search(edge + re.escape(folded) + tail, fold(text)) is not None


def _telltale_lines(language: str, prompts_dir: str | Path | None = None) -> list[str]:
    """prompts/check/telltale.<lang>.txt, one phrase a line, # comments; a user's prompt folder overrides it."""
    for root in ([Path(prompts_dir)] if prompts_dir else []) + [BUILTIN_DIR]:
        path = root / "check" / f"telltale.{language}.txt"
        if path.is_file():
            lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
            return [line for line in lines if line and not line.startswith("#")]
    return []


def telltale_phrases(language: str, prompts_dir: str | Path | None = None) -> list[str]:
    """The phrases no draft may say anywhere (a line starting with ^ is only banned as an opener)."""
    return [line for line in _telltale_lines(language, prompts_dir) if not line.startswith("^")]


def opener_phrases(language: str, prompts_dir: str | Path | None = None) -> list[str]:
    """What no item may open with: every telltale phrase, and the ^ lines ("^in this talk": fine mid-sentence,
    framing when a post or paragraph starts with it)."""
    return [line.lstrip("^").strip() for line in _telltale_lines(language, prompts_dir) if line.lstrip("^").strip()]


def prose(tokens: list[Token]) -> str:
    return "\n".join(inline_text(token) for token in tokens if token.type == "inline")


def unknown_references(tokens: list[Token], known: Grounds) -> list[str]:
    """URLs and @handles the draft names that the source and corpus never mention: a model may have made them up."""
    text = prose(tokens)
    urls = URL.findall(text) + [
        child.attrs["href"]
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "link_open" and str(child.attrs.get("href", "")).startswith("http")
    ]
    references = [
        *dict.fromkeys(url.rstrip(".,;:!?") for url in urls),
        *dict.fromkeys(f"@{h}" for h in HANDLE.findall(text)),
    ]
    problems = []
    for reference in references:
        if not known.knows(reference):
            label = "handle" if reference.startswith("@") else "URL"
            spoken = " (only in the transcript, which is untrusted)" if reference.casefold() in known.spoken else ""
            problems.append(f"unknown {label} {reference}{spoken}")
    return problems


def check_quotes(report: FileReport, placed: list[tuple[str, str]], known: Grounds) -> None:
    """Each quote must be in the transcript, a whole sentence, and said once in the draft; only then is it verified.

    Repeats are counted per draft: an X post may quote the sentence the blog quotes; each has its own readers. A short
    quote inside a longer sentence the speaker said word for word is their reported speech, not a fragment we chose."""

    quotes = [quote for quote, _ in placed]
    repeated = set(repeats(quotes))
    for index, (quote, context) in enumerate(placed):
        report.quotes_total += 1
        short = quote if len(quote) <= 80 else quote[:79] + "…"
        found = known.transcript is not None and find_quote(known.transcript, quote) is not None
        if not found:
            where = "not in the transcript:" if known.transcript else "no transcript.json to verify"
            report.add("quotes", f"{where} “{short}”")
        reported = context != quote and found and find_quote(known.transcript, context) is not None
        if (reason := fragment(quote)) and not reported:
            report.add("fragments", f"not a whole sentence ({reason}): “{short}”")
        if index in repeated:
            report.add("repeats", f"quoted twice: “{short}”")
        report.quotes_verified += int(found and (not reason or reported) and index not in repeated)


def file_report(path: Path, known: Grounds, prompts_dir: str | Path | None = None) -> FileReport:

    text = path.read_text(encoding="utf-8", errors="replace")
    meta, body, error = split_front_matter(text)
    report = FileReport(path=path, kind=draft_kind(path, meta))
    for problem in [str(error)] if error else front_matter_problems(report.kind, meta or {}):
        report.add("front matter", problem)
    tokens = MARKDOWN.parse(body)
    check_quotes(report, quotes_in_context(tokens), known)
    for problem in limit_problems(report.kind, tokens, body):
        report.add("limits", problem)
    words = fold(prose(tokens))
    language = str((meta or {}).get("language") or guess_language(words)).split("-")[0].lower()
    for phrase in telltale_phrases(language, prompts_dir):
        if says(words, phrase):
            report.add("phrases", f"telltale phrase “{phrase}”")
    for problem in unknown_references(tokens, known):
        report.add("links", problem)

    for problem in check_problems(path, meta or {}, tokens, known.transcript):
        report.add("injection", problem)
    draft = Draft(kind=report.kind, meta=meta or {}, body=body, tokens=tokens, language=language)
    review(report, draft, known, opener_phrases(language, prompts_dir))
    return report


def draft_paths(path: Path) -> list[Path]:
    """A draft, an output folder, or a folder of output folders (a week of a batch)."""
    if not path.exists():
        raise UserError(f"{path} does not exist; give a draft, an output folder or a folder of output folders")
    if path.is_file():
        if path.suffix != ".md":
            raise UserError(f"{path} is not a markdown draft (.md)")
        return [path]
    found = sorted(
        p
        for p in path.rglob("*.md")
        if p.name in DRAFT_FILES and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )
    if not found:
        raise UserError(f"no drafts ({', '.join(DRAFTS)}) under {path}")
    return found


def check_report(
    path: Path, prompts_dir: str | Path | None = None, corpus: Path | None = Path("corpus")
) -> CheckReport:
    """Check every draft under `path` against its own output folder's transcript and source."""
    known: dict[Path, Grounds] = {}
    reports = []
    for draft in draft_paths(Path(path)):
        folder = draft.parent
        if folder not in known:
            known[folder] = grounds(folder, corpus)
        reports.append(file_report(draft, known[folder], prompts_dir))
    return CheckReport(files=reports)


def summary(figures: dict[str, float | int]) -> str:
    """One line for `devrel run`."""
    line = (
        f"{figures['quotes_verified']}/{figures['quotes_total']} quotes verified "
        f"(groundedness {figures['groundedness']:.2f})"
    )
    failures = figures["failures"]
    return line + (f", {failures} problem(s)" if failures else ", no problems")
