"""Choosing by code: the quotes of a section and the sentences of its passage, from the section's own span.

A small model cannot pick a quotable sentence or edit a passage (MODELS.md), but a sentence's place in its span
(how central it is) and its form (whole, a claim, a number, no greeting or slide reference) can be measured.
Quotes are verbatim segments; passages are the same sentences cleaned of speech noise, in the order spoken.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from pipeline.analysis.similarity import copies
from pipeline.analysis.topics import centrality
from pipeline.artifacts import Quote, Segment
from pipeline.format.text import CJK
from pipeline.rules import LINK_WORD, STOP, claim_words, leans_back, stem

QUOTES_PER_SECTION = 2
PASSAGE_CENTRAL_WEIGHT = 0.5  # a passage keeps the span's thread: centrality and form alike
PASSAGE_FORM = 0.25  # below this a sentence reads as noise in prose ("So then we, um, go over here, I guess.")
ROOM_QUESTION = re.compile(
    r"\b(?:you guys|anybody|anyone|everybody|who here|how many (?:of you|people here)|raise (?:your|of) hands?|"
    r"show of hands)\b.*\?$|大家.*[吗？]$",
    re.IGNORECASE,
)
SECOND_QUOTE = 0.85  # a second quote only when it scores nearly as well as the first
SHARE = 0.65  # of the talk's words: enough that a kept paragraph rarely leans on one left out, and the payoffs stay
MAX_WORDS = 2400
MIN_WORDS = 120


def words(text: str) -> int:
    """Words as a reader counts them: a Chinese character is one."""
    cjk = len(CJK.findall(text))
    return cjk + len(CJK.sub(" ", text).split())


CENTRAL_WEIGHT = 0.35  # the rest is quotability: a central sentence that means nothing alone is no quote
MIN_SPREAD = 0.05  # centralities closer than this are a tie, not a ranking: two sentences are always equally central


def _scores(
    texts: list[str], vectors: np.ndarray, language: str, central_weight: float = CENTRAL_WEIGHT, prose: bool = False
) -> list[float]:
    """Per sentence: how central it is to its span (scaled to [0, 1] within the span) and how well it stands alone
    (in `prose`, as part of a paragraph); 0 for what can never be used (fragments, remarks to the room, stage
    directions)."""
    from pipeline.analysis.speech import quotability

    central = centrality(vectors)
    low, high = (float(central.min()), float(central.max())) if len(central) else (0.0, 1.0)
    spread = max(high - low, MIN_SPREAD)  # else float noise between tied sentences would weigh CENTRAL_WEIGHT
    scores = []
    for text, c in zip(texts, central):
        quotable = quotability(text, language, prose=prose) if text else 0.0
        scores.append(
            central_weight * (float(c) - low) / spread + (1 - central_weight) * quotable if quotable > 0 else 0.0
        )
    return scores


def unlinked(text: str, language: str) -> str:
    """A sentence without the word that tied it to the one before ("So I've built…" → "I've built…"): still the
    speaker's words, in order, for a quote read on its own."""
    bare = LINK_WORD["zh" if language == "zh" else "en"].sub("", text.strip(), count=1)
    if not bare or bare == text.strip() or len(bare) < len(text.strip()) / 2:
        return text
    return bare if language == "zh" else bare[:1].upper() + bare[1:]


SPECIFIC_TERMS = 2  # a line that names two of the span's recurring terms is about this talk, not any talk


def recurring_terms(texts: list[str], language: str, least: int = 3) -> set[str]:
    """The words a talk keeps coming back to (said in at least `least` sentences, no function or filler word): its
    subject, as opposed to its asides."""
    counts = Counter(term for text in texts for term in {stem(word) for word in claim_words(text, language)})
    return {term for term, count in counts.items() if count >= least}


def specific(texts: list[str], scores: list[float], language: str, recurring: set[str] | None = None) -> list[float]:
    """Scores weighed by how specific each sentence is: the talk's recurring terms it names (`recurring`, else the
    span's own, said twice), so "I never rush into anything" loses to a line about the subject."""
    terms = recurring if recurring is not None else recurring_terms(texts, language, least=2)
    said = [{stem(word) for word in claim_words(text, language)} for text in texts]
    return [score * (0.5 + 0.5 * min(1.0, len(own & terms) / SPECIFIC_TERMS)) for score, own in zip(scores, said)]


def chosen_quotes(
    segments: list[Segment],
    vectors: np.ndarray,
    language: str,
    shown: list[str],
    recurring: set[str] | None = None,
) -> list[Quote]:
    """The span's best pull quotes: whole sentences, central, quotable and specific, none a repeat of one shown."""
    texts = [unlinked(segment.text, language) for segment in segments]
    scores = specific(texts, _scores(texts, vectors, language), language, recurring)
    scores = [  # a guess is no quote, nor is a line the speaker restarted or trailed off in ("Sound -- someone…")
        0.0 if segment.doubtful or language != "zh" and HESITANT.search(" ".join(segment.text.split())) else score
        for segment, score in zip(segments, scores)
    ]
    chosen: list[Quote] = []
    best = max(scores, default=0.0)
    for index in sorted(range(len(segments)), key=lambda i: -scores[i]):
        if scores[index] <= 0 or len(chosen) == QUOTES_PER_SECTION or (chosen and scores[index] < SECOND_QUOTE * best):
            break
        segment, text = segments[index], texts[index]
        if copies(text, shown + [quote.text for quote in chosen]):
            continue
        chosen.append(
            Quote(segment_id=segment.id, text=text, start=segment.start, end=segment.end, speaker=segment.speaker)
        )
    return sorted(chosen, key=lambda quote: quote.segment_id)


# a false start the transcriber kept: a dash, a word said twice (in the words as said: cleaning folds "with with" into
# a sentence that no longer parses, "The best oven that I bake with a stone oven.")
RESTART = re.compile(r"—|--|\b(\w+) \1\b")
HESITANT = re.compile(RESTART.pattern + r"|\.\.\.|…(?=\s*\S)")  # a restart, or a pause mid-line
POINTS_PER_SECTION = 3
ANSWER_OPENING = 3  # sentences: where an answer answers, before the speaker's examples and asides
POINT_FORM = 0.45  # a key point stands alone: below this a sentence leans on its neighbours or says little


def key_points(
    segments: list[Segment],
    vectors: np.ndarray,
    language: str,
    quoted: list[int],
    shown: list[str],
    recurring: set[str] | None = None,
    lead: bool = False,
) -> list[str]:
    """The span's points as the speaker made them: its most central sentences that stand alone (no pronoun or
    connective pointing at a sentence a bullet's reader never saw), cleaned of speech noise, in the order spoken.
    Sentences `quoted` (segment ids) and copies of `shown` points are left to the quotes and the other sections. An
    answer to a question (`lead`) keeps the first of its opening sentences that stands alone: the direct answer."""
    from pipeline.analysis.speech import broken_off, clean, paragraph_opening, quotability

    cleaned = [clean(segment.text, language) for segment in segments]
    scores = specific(cleaned, _scores(cleaned, vectors, language), language, recurring)
    usable = [  # a point is read alone: whole, ending whole, no false start ("Your—is like…"), no pointer back
        i
        for i, text in enumerate(cleaned)
        if scores[i] > 0
        and not segments[i].doubtful
        and segments[i].id not in quoted
        and quotability(text, language) >= POINT_FORM
        and paragraph_opening(text, language) == text
        and not _leans(text, language)  # "They…", "In my defense, …", "A third step is…": nothing before it here
        and not broken_off(text, language)
        and not (language != "zh" and (RESTART.search(text) or RESTART.search(" ".join(segments[i].text.split()))))
        and not ROOM_QUESTION.search(text)
        and not text.rstrip("”\"’'）)").endswith(("?", "？"))
    ]
    chosen: list[int] = [usable[0]] if lead and usable and usable[0] < ANSWER_OPENING else []
    for index in sorted(usable, key=lambda i: -scores[i]):
        if index in chosen:
            continue
        if len(chosen) == POINTS_PER_SECTION:
            break
        if copies(cleaned[index], shown + [cleaned[k] for k in chosen]):
            continue
        chosen.append(index)
    return [cleaned[i] for i in sorted(chosen)]


def passage(segments: list[Segment], vectors: np.ndarray, language: str, budget: int) -> list[str]:
    """The span condensed by selection: its most central whole sentences, cleaned, in the order spoken, within
    `budget` words. Fragments ("These are"), trailing-off starts, remarks and questions to the room and repeats are
    left out."""
    from pipeline.analysis.speech import clean

    cleaned = [clean(segment.text, language) for segment in segments]
    from pipeline.analysis.speech import quotability

    scores = _scores(cleaned, vectors, language, central_weight=PASSAGE_CENTRAL_WEIGHT)
    usable = [
        i
        for i, text in enumerate(cleaned)
        if scores[i] > 0 and quotability(text, language) >= PASSAGE_FORM and not ROOM_QUESTION.search(text)
    ]
    kept: list[int] = []
    used = 0
    for index in sorted(usable, key=lambda i: -scores[i]):
        size = words(cleaned[index])
        if used + size > budget and kept:
            continue
        if copies(cleaned[index], [cleaned[k] for k in kept]):
            continue
        kept.append(index)
        used += size
        if used >= budget:
            break
    return [cleaned[i] for i in sorted(kept)]


BLOCK_WORDS = (50, 130)  # a paragraph of the blog: at least this many words before the speaker may move on, at most
FOLLOW_UP_WORDS = 14  # a sentence this short that leans on the one before is its hedge or payoff: it stays with it
# A sentence that turns what came before (a plan that failed, a decision taken back) stays with it, or the post states
# what the speaker went on to correct.
CORRECTION = {
    "en": re.compile(
        r"^(?:but|however|actually|in fact|it turned out|turns out|in the end|in reality|except|unfortunately)\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(r"^(?:但是?|可是|然而|不过|实际上|事实上|其实|后来|结果|可惜)"),
}
CORRECTION_WORDS = 45
# a gap this small between two kept paragraphs (sentences, words) is kept too, or the second leans on it
BRIDGE_SENTENCES, BRIDGE_WORDS = 2, 45


def _breaks(vectors: np.ndarray, sizes: list[int]) -> list[tuple[int, int]]:
    """The span cut into paragraphs where the speaker moves on: after BLOCK_WORDS[0] words, at the first gap less
    alike than the span's median gap; always by BLOCK_WORDS[1]."""
    if len(sizes) == 0:
        return []
    gaps = [float(vectors[i] @ vectors[i + 1]) for i in range(len(sizes) - 1)]
    median = float(np.median(gaps)) if gaps else 0.0
    blocks, start, count = [], 0, 0
    for index, size in enumerate(sizes):
        count += size
        last = index == len(sizes) - 1
        if last or count >= BLOCK_WORDS[1] or (count >= BLOCK_WORDS[0] and gaps[index] < median):
            blocks.append((start, index + 1))
            start, count = index + 1, 0
    return blocks


def _leans(text: str, language: str) -> bool:
    """Opens on a word that points at the sentence before: a connective, a pronoun, a relative clause."""
    return leans_back(text, language) is not None


SLIDE_TALK_WORDS = 16  # a short sentence about what the room sees; a longer one says more than that
SLIDE_TALK = {
    "en": re.compile(
        r"\b(?:(?:this|that|the|next|previous|last) (?:slide|screen|demo|picture|diagram|graph|chart)|as you can see|"
        r"you(?:'ll| will| can) see|(?:up|down|over|right) here|on the screen|sorry about|"
        r"let me (?:zoom|switch|go back)|can you (?:see|read)|is this (?:big|readable|visible)|"
        r"(?:it|this|that) looks like this|you see (?:the|this|that|these|here)\b.*\?)",
        re.IGNORECASE,
    ),
    "zh": re.compile(r"这张图|这一页|这页|幻灯片|PPT|如图|屏幕上|大家(?:可以)?看(?:一下|到)|你们看|上图|下图"),
}


TRAILS_OFF = re.compile(r"(?:\.{2,}|…)[\"”’')]*$")
TRAILS_OFF_WORDS = 8  # "And the next step is..": a start the speaker left; a longer one said its piece first


GOES_ON = {"en": re.compile(r"[,:]$"), "zh": re.compile(r"[，、：,:]$")}  # "三个主要特色：", "…, and"


def _trails_on(text: str, language: str) -> bool:
    """Stops where the next line goes on: on a pause (in Chinese, written "……" closes a list, "etc.", and speech
    transcribed in Chinese marks no pauses), or on a comma or colon (a transcriber's or a page's line cut
    mid-sentence, a list's lead-in)."""
    bare = text.rstrip("\"”’')）")
    return bool(GOES_ON["zh" if language == "zh" else "en"].search(bare)) or (
        language != "zh" and TRAILS_OFF.search(text) is not None
    )


def _ended(text: str, language: str) -> str:
    """A list's last item ends on a semicolon ("…因此更值得信赖；"): where nothing follows, a full stop."""
    return re.sub(r"[；;]$", "。" if language == "zh" else ".", text.rstrip())


def _whole_sentences(cleaned: list[str], language: str) -> list[str]:
    """Per line, the whole sentence it is part of: the lines that trail on into the next, joined (each line of it
    gets the same text)."""
    whole: list[str] = []
    start = 0
    for index in range(len(cleaned)):
        if index == len(cleaned) - 1 or not _trails_on(cleaned[index], language) or not cleaned[index + 1]:
            joined = _ended(("" if language == "zh" else " ").join(cleaned[start : index + 1]), language)
            whole += [joined] * (index + 1 - start)
            start = index + 1
    return whole


def _noise(text: str, language: str) -> bool:
    """What a paragraph of prose leaves out wherever it stands: a remark or question to the room, an aside in
    parentheses, a fragment the stenographer caught mid-word, a short start the speaker left hanging, a short line
    about the talk itself, a garbled line; never a short sentence that carries content."""
    from pipeline.analysis.speech import ASIDE, garbled, is_fragment, is_remark_to_room, signposts

    if not text or ROOM_QUESTION.search(text) or is_remark_to_room(text, language) or ASIDE.search(text):
        return True
    if garbled(text, language):
        return True  # "…the best tool we can a do with.": a reader cannot tell what was said
    if words(text) <= SLIDE_TALK_WORDS and (SLIDE_TALK[language].search(text) or signposts(text, language)):
        return True  # "Sorry about it being small.", "That is my talk title.": the room's talk, not the reader's page
    if words(text) <= TRAILS_OFF_WORDS and TRAILS_OFF.search(text):
        return True
    return is_fragment(text, language) and words(text) <= 3


def _framed(text: str, following: list[str], language: str) -> bool:
    """A line about the talk itself ("This part is more about patience.") that the next one points back at ("That
    has been my secret."): without it the next line says something else."""
    from pipeline.analysis.speech import leans_on_pronoun, signposts

    return (
        bool(following)
        and signposts(text, language)
        and leans_on_pronoun(following[0], language)
        and not _noise(following[0], language)
    )


PAUSE_WORDS = 2  # "So...", "Yeah, so...": a line this short before its pause says nothing


def _continued(sentences: list[str], language: str, lowered: set[str]) -> list[str]:
    """A line that trails off ("And then the dough...") joined to the next, which goes on with it ("Well, it just sat
    there overnight."): a transcriber's sentence break at a pause, not the speaker's. The next line's first word
    loses its capital where the talk says it in lower case elsewhere (`lowered`): a name keeps it."""
    joined: list[str] = []
    for sentence in sentences:
        paused = bool(joined) and TRAILS_OFF.search(joined[-1]) is not None
        if paused and _trails_on(joined[-1], language) and words(TRAILS_OFF.sub("", joined[-1])) <= PAUSE_WORDS:
            joined[-1] = sentence  # "So..." is a pause, not a start
        elif joined and _trails_on(joined[-1], language) and language == "zh":
            joined[-1] += sentence  # "三个主要特色：" and the list it leads into
        elif joined and _trails_on(joined[-1], language):
            head, _, rest = sentence.partition(" ")
            lower = head.lower() if head.lower() in lowered and not re.match(r"I\b", head) else head
            if TRAILS_OFF.search(joined[-1]):  # an ellipsis inside a sentence reads as words left out
                joined[-1] = f"{TRAILS_OFF.sub('—', joined[-1])}{lower} {rest}".rstrip()
            else:
                joined[-1] = f"{joined[-1]} {lower} {rest}".rstrip()
        else:
            joined.append(sentence)
    return joined


def _bridged(
    kept: list[tuple[int, int]], cleaned: list[str], sizes: list[int], language: str = "en"
) -> list[tuple[int, int]]:
    """Kept paragraphs with the short gaps between them filled: a sentence or two left out between two kept runs is
    what the second one answers, names or turns ("The rye burned too." after the loaf it adds to), and a reader
    meets the cut as a jump; the noise among them still goes. A paragraph that trails off into the next is one."""
    bridged: list[tuple[int, int]] = []
    for start, end in kept:
        if bridged:
            before_start, before_end = bridged[-1]
            gap = start - before_end
            if gap == 0 and _trails_on(cleaned[before_end - 1], language):
                bridged[-1] = (before_start, end)
                continue
            if 0 < gap <= BRIDGE_SENTENCES and sum(sizes[before_end:start]) <= BRIDGE_WORDS:
                bridged[-1] = (before_start, start)
        bridged.append((start, end))
    return bridged


def passages(
    segments: list[Segment], vectors: np.ndarray, language: str, budget: int, lead: bool = False
) -> list[list[str]]:
    """The span as prose: runs of consecutive sentences (paragraphs), the ones that carry the span's thread and its
    payoffs, within `budget` words, in the order spoken. A paragraph never opens on a sentence that leans on one left
    out (it starts one sentence earlier, or at the first that stands), never ends on a question whose answer is left
    out, and a short follow-up that leans on its last sentence (the speaker's hedge, correction or payoff) stays with
    it. Digressions go whole: a paragraph whose sentences score low is left out, not picked apart. An answer to a
    question someone asked (`lead`) keeps its opening paragraph: that is where it answers."""
    from pipeline.analysis.speech import broken_off, clean, paragraph_opening

    cleaned = [clean(segment.text, language) for segment in segments]
    whole = _whole_sentences(cleaned, language)  # a line that goes on in the next is scored as the sentence it ends
    scores = _scores(whole, vectors, language, central_weight=PASSAGE_CENTRAL_WEIGHT, prose=True)
    sizes = [words(text) for text in cleaned]
    blocks = _breaks(vectors, sizes)
    value = lambda block: sum(scores[block[0] : block[1]]) / max(1, block[1] - block[0])  # noqa: E731
    kept: list[tuple[int, int]] = [blocks[0]] if lead and blocks else []
    used = sum(sizes[blocks[0][0] : blocks[0][1]]) if kept else 0
    for block in sorted(blocks, key=lambda b: -value(b)):
        if block in kept:
            continue
        size = sum(sizes[block[0] : block[1]])
        if kept and (used + size > budget * 1.15 or value(block) <= 0):
            continue
        kept.append(block)
        used += size
        if used >= budget:
            break
    kept = _bridged(sorted(kept), cleaned, sizes, language)
    lowered = STOP | {word for text in cleaned for word in re.findall(r"(?<=\s)[a-z][\w']*", text)}
    taken = {i for start, end in kept for i in range(start, end)}
    result = []
    for start, end in sorted(kept):
        steps = 0
        while (
            start > 0
            and steps < 3
            and (_leans(cleaned[start], language) or _trails_on(cleaned[start - 1], language))
            and start - 1 not in taken
        ):
            start, steps = start - 1, steps + 1  # "Which is why…" needs the sentence it answers
            taken.add(start)
        if end < len(cleaned) and end not in taken and _trails_on(cleaned[end - 1], language):
            taken.add(end)  # "…the crust is a very..." goes on in the next line: the run keeps it
            end += 1
        while (
            end < len(cleaned)
            and end not in taken
            and (
                sizes[end] <= FOLLOW_UP_WORDS
                and _leans(cleaned[end], language)
                or sizes[end] <= CORRECTION_WORDS
                and CORRECTION[language].match(cleaned[end])
            )
        ):
            taken.add(end)
            end += 1  # "Which is almost true.", "But in the end we took it back.": the speaker's own hedge or turn
        said = _continued(cleaned[start:end], language, lowered)
        sentences = [
            text
            for i, text in enumerate(said)
            if not _noise(text, language) or _framed(text, said[i + 1 : i + 2], language)
        ]
        if sentences:
            sentences[-1] = _ended(sentences[-1], language)
        while sentences and broken_off(sentences[-1], language):
            sentences.pop()  # "…it blew my mind. Because,": the paragraph ends where a whole sentence does
        while len(sentences) > 1 and end not in taken and sentences[-1].rstrip().endswith(("?", "？")):
            sentences.pop()  # "And how are they useful?": the answer is in what was left out
        sentences = opened(sentences, language)
        if sentences:
            first = LINK_WORD[language].sub("", sentences[0], count=1)
            sentences[0] = first[:1].upper() + first[1:] if language != "zh" else first
            if paragraph_opening(sentences[0], language) is not None:
                result.append(sentences)
    merged: list[list[str]] = []
    for sentences in result:  # a paragraph extended into the next one's start: one paragraph, no sentence twice
        if merged and sentences[0] in merged[-1]:
            merged[-1] += [s for s in sentences if s not in merged[-1]]
        else:
            merged.append(sentences)
    return merged


def shares(sizes: list[int]) -> list[int]:
    """The words the blog shows of each section: about two thirds of the talk (at most MAX_WORDS), shared out by how
    much each section says. The outline reads the same passages, so a heading never says their opening back."""
    total = sum(sizes) or 1
    wanted = max(MIN_WORDS, min(MAX_WORDS, round(total * SHARE)))
    return [max(40, round(wanted * size / total)) for size in sizes]


def opened(sentences: list[str], language: str) -> list[str]:
    """The passage from its first sentence that can open a paragraph: under a heading the reader has not heard the
    sentence before it, so "And…" loses its link and "It was great." goes (when none can, the passage stands)."""
    from pipeline.analysis.speech import paragraph_opening

    for index, sentence in enumerate(sentences):
        if (first := paragraph_opening(sentence, language)) is not None:
            return [first, *sentences[index + 1 :]]
    return sentences


def paragraphs(sentences: list[str], language: str, size: int = 90) -> list[str]:
    """Sentences grouped into paragraphs of about `size` words, as a reader expects prose to be broken."""
    groups: list[list[str]] = [[]]
    count = 0
    for sentence in sentences:
        if count >= size:
            groups.append([])
            count = 0
        groups[-1].append(sentence)
        count += words(sentence)
    joiner = "" if language == "zh" else " "
    return [joiner.join(group) for group in groups if group]
