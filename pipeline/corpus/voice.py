"""What drafting takes from the store: style examples, related posts, a novelty warning, and community questions.

Everything here is optional: with no store (or an empty one) each function returns nothing and the pipeline runs
exactly as without a corpus. Scores are cosine similarities of USE multilingual v3; the thresholds were set on the
starter corpus (a question and a passage that answers it score ~0.55-0.7, related topics ~0.3-0.45, unrelated < 0.3).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.artifacts import AskedQuestion, Outline, Transcript
from pipeline.config import Settings
from pipeline.errors import DevrelError
from pipeline.kinds import BY_TYPE, DRAFT_KINDS
from pipeline.safety.untrusted import unmarked  # a stored text that addresses the model is never shown to it (issue 14)

EXAMPLES, EXAMPLE_CHARS = 3, 600
RELATED, RELATED_SCORE = 3, 0.4
NOVELTY_SCORE = 0.55
QUESTIONS, QUESTION_SCORE, MATCH_SCORE = 5, 0.25, 0.55
ANSWER_SCORE = 0.3  # a sentence of the section this close to a stored question answers it; a heading alone does not
RELATED_HEADINGS = {"zh": "延伸阅读"}


def _present(settings: Settings) -> bool:
    """Checked before importing chromadb, so runs without a store pay nothing for it."""
    return bool(settings.chroma_host) or (Path(settings.store) / "chroma.sqlite3").exists()


def _collection(settings: Settings, warnings: list[str]):
    if not _present(settings):
        return None
    from pipeline.corpus import store

    try:
        return store.collection(settings)
    except DevrelError as error:  # a broken store must not stop the drafts: they are written without the corpus
        warnings.append(f"{error}; drafting without the corpus")
        return None


def _own(hit, slug: str) -> bool:
    """This talk's own approved drafts are not examples of, related to, or prior art for itself."""
    return Path(hit.file).stem == slug


@dataclass
class DraftContext:
    voice: dict[str, str] = field(default_factory=dict)  # stage -> text for the prompt's {{voice}} slot
    related: list[dict] = field(default_factory=list)  # past posts: title, url
    warnings: list[str] = field(default_factory=list)

    def key(self, stage: str) -> dict[str, str]:
        """Cache-key input for a draft stage: what was retrieved for it (nothing retrieved adds nothing)."""
        parts = [self.voice.get(stage, ""), self.related if stage == "blog" else []]
        if not any(parts):
            return {}
        return {"corpus": hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()}


def voice_text(kind: str, examples: list[tuple[str, str]]) -> str:
    """Examples as a bullet of the prompt's STEPS plus an <examples> block, marked as style, never as facts."""
    if not examples:
        return ""
    lines = [
        f"- Write in the team's voice. The {BY_TYPE[kind].label} in the <examples> block "
        "are the team's past work, shown only "
        "as style examples (tone, sentence length, how a piece opens and closes). They are not facts about this talk: "
        "take no claim, name, number or link from them.",
        "<examples>",
    ]
    for title, text in examples:
        excerpt = text[:EXAMPLE_CHARS].rstrip() + ("…" if len(text) > EXAMPLE_CHARS else "")
        excerpt = excerpt.replace("</example", "< /example")
        lines += [f'<example title="{title.replace(chr(34), chr(39))}">', excerpt, "</example>"]
    return "\n".join(lines + ["</examples>"])


def related_text(related: list[dict]) -> str:
    if not related:
        return ""
    posts = "; ".join(f"{post['title']} ({post['url']})" if post["url"] else post["title"] for post in related)
    return (
        '\n- The post will end with a "Related reading" list of these past posts, added for you (do not write it): '
        f"{posts}"
    )


def related_markdown(related: list[dict], language: str) -> str:
    items = [f"- [{post['title']}]({post['url']})" if post["url"] else f"- {post['title']}" for post in related]
    return f"## {RELATED_HEADINGS.get(language, 'Related reading')}\n\n" + "\n".join(items) if items else ""


def _query(outline: Outline) -> str:
    return "\n".join([outline.title, outline.summary, *(section.question for section in outline.sections)])


def novelty(col, outline: Outline, slug: str) -> list[str]:
    """Warn when one past post already answers most of the outline's questions."""
    from pipeline.corpus import store

    covered: dict[str, set[int]] = {}
    titles = {}
    for number, section in enumerate(outline.sections):
        # the section as a whole, and each of the speaker's points on its own: a past post answers one of them
        said = [*section.key_points, *(quote.text for quote in section.quotes)]
        texts = ["\n".join([section.question, *said]), *said]
        for hit in (hit for text in texts for hit in store.query(col, text, "blog", 3)):
            if hit.score >= NOVELTY_SCORE and not _own(hit, slug):
                covered.setdefault(hit.file, set()).add(number)
                titles[hit.file] = hit.url or hit.file, hit.title
    total = len(outline.sections)
    return [
        f"novelty: the past post “{titles[file][1]}” ({titles[file][0]}) already answers {len(numbers)} of the {total} "
        "questions in this outline; consider linking to it or writing an update instead"
        for file, numbers in covered.items()
        if total and len(numbers) * 2 > total
    ]


def draft_context(settings: Settings, outline: Outline, slug: str) -> DraftContext:
    """Style examples per draft type, related past posts and novelty warnings for one outline."""
    context = DraftContext()
    col = _collection(settings, context.warnings)
    if col is None:
        return context
    from pipeline.corpus import store

    query = _query(outline)
    for stage, kind in ((draft.stage, draft.type) for draft in DRAFT_KINDS):
        hits = [hit for hit in store.pieces(col, query, kind, EXAMPLES * 2) if not _own(hit, slug)]
        hits = sorted(hits, key=lambda hit: hit.language != outline.language)[
            :EXAMPLES
        ]  # stable: nearest first, own language first
        examples = [(hit.title, store.piece_text(col, hit.file)) for hit in hits]
        examples = unmarked(
            examples, lambda ex: f"{ex[0]}\n{ex[1][:EXAMPLE_CHARS]}", f"{kind} example", context.warnings
        )
        context.voice[stage] = voice_text(kind, examples)
    posts = [
        hit
        for hit in store.pieces(col, query, "blog", RELATED + 1)
        if hit.score >= RELATED_SCORE and not _own(hit, slug)
    ]
    posts = unmarked(posts, lambda hit: hit.title, "related post", context.warnings)
    context.related = [{"title": hit.title, "url": hit.url} for hit in posts[:RELATED]]
    if context.related:
        context.voice["blog"] += related_text(context.related)
    context.warnings += novelty(col, outline, slug)
    return context


@dataclass
class Question:
    title: str
    url: str
    language: str


def community_questions(settings: Settings, transcript: Transcript, title: str, warnings: list[str]) -> list[Question]:
    """Stored community questions near this talk: hints for the outline, and the list of ones it leaves open."""
    col = _collection(settings, warnings)
    if col is None:
        return []
    from pipeline.corpus import store

    hits = store.pieces(col, f"{title}\n{transcript.text()[:3000]}", "question", QUESTIONS)
    near = unmarked(
        [hit for hit in hits if hit.score >= QUESTION_SCORE], lambda hit: hit.title, "community question", warnings
    )
    return [Question(hit.title, hit.url, hit.language) for hit in near]


def match_questions(outline: Outline, questions: list[Question]) -> Outline:
    """Sections that answer a stored question take its wording; the questions left open are listed in the outline."""
    if not questions or not outline.sections:
        return outline.model_copy(
            update={"open_questions": [AskedQuestion(question=q.title, url=q.url) for q in questions]}
        )
    from pipeline.corpus import store

    sections = [section.model_copy(deep=True) for section in outline.sections]
    # a question is answered by what the speaker said (the section's points and quotes), never by the heading the
    # model gave it: a heading on the same topic is no answer, and the stored wording would promise one
    said = [[*s.key_points, *(q.text for q in s.quotes)] or [s.question] for s in sections]
    asked = store.embed([question.title for question in questions])
    named = store.embed([s.question for s in sections]) @ asked.T  # the section is about what the question asks
    answers = np.array([(store.embed(sentences) @ asked.T).max(axis=0) for sentences in said])  # and says an answer
    scores = np.where(answers >= ANSWER_SCORE, np.maximum(named, answers), 0.0)
    n = len(sections)
    pairs = sorted(((scores[i, j], i, j) for i in range(n) for j in range(len(questions))), reverse=True)
    used_sections, answered = set(), set()
    for score, i, j in pairs:
        if score < MATCH_SCORE or i in used_sections or j in answered:
            continue
        used_sections.add(i)
        answered.add(j)
        if questions[j].language == outline.language:  # the community's wording, in the outline's language
            sections[i].question = questions[j].title
            sections[i].persona = "community"
    left = [AskedQuestion(question=q.title, url=q.url) for j, q in enumerate(questions) if j not in answered]
    return outline.model_copy(update={"sections": sections, "open_questions": left})


def questions_key(questions: list[Question]) -> dict[str, str]:
    if not questions:
        return {}
    payload = json.dumps([[q.title, q.url, q.language] for q in questions], ensure_ascii=False)
    return {"community_questions": hashlib.sha256(payload.encode()).hexdigest()}
