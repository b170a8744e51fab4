"""The validators every draft stage and `devrel check` share: one table, one test per rule.

A stage calls a rule before it keeps an item (and rebuilds or drops what fails); `devrel check` calls the same rule on
the files a person may have edited; `make eval` counts how often each one fired. A rule belongs here when it holds for
a class of inputs (any talk, either language), never for one sentence of one talk.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"\n]*\"")
MARKUP = re.compile(r"`[^`\n]*`|\]\([^)\s]*\)|https?://\S+|(?<![\w&])[@#]\w+")  # code, links, handles, tags

# Words that carry no claim of their own: function words, and the verbs and nouns any frame uses ("this post covers",
# "what you'll hear"). What is left of a sentence is what it claims, and the talk must have said it.
STOP = frozenset(
    """a an the and or but nor so yet for of to in on at by as with from into onto over under about after before
between through during without within than then that this these those there here where when what which who whom
whose why how is are was were be been being am do does did done doing have has had having can could should would
will shall may might must not no yes it its it's itself they them their theirs he him his she her hers we us our
ours you your yours i me my mine one ones some any all each every both either neither more most much many few less
least other others another such same own only just also very really quite too again even still ever never always
often sometimes if because while though although unless until since once up down out off get gets got make makes
made take takes took let lets like well way ways thing things lot lots kind sort bit part parts point points
say says said tell tells told talk talks talking speaker speakers learn learned learns know knows knew think thinks
thought want wants need needs use uses used using see sees saw look looks new good great best better first last
next why what's that's there's here's don't doesn't didn't isn't aren't wasn't weren't can't won't i'm you're we're
they're i've you've we've let's ask asks asked hear heard read
post posts worth share shares keep keeps people someone something anything everything nothing watch watched
discussion community members member handle handled project projects work worked works working run runs experience
below puts put join joined tips actually basically going gonna wanna pretty stuff little right okay yeah guess mean
maybe probably totally literally super cool awesome happen happens happened forum discord newsletter linkedin devrel
thread threads video videos clip clips short shorts link links""".split()
)
ZH_STOP = set(
    "的了是在和与及或而也就都还又很最更这那个些我你他她它们吗呢吧啊呀么什怎样如何为因所以但是如果可能会要能有没不对从向把被让给"
)

BORROWED_RUN = {"en": 6, "zh": 10}  # words (English) or characters (Chinese) in a row that make a copy
FRAMING_WORDS = 400  # below this many words a talk says its subject once: a title need only use the talk's words


@dataclass(frozen=True)
class Rule:
    """One validator: what it finds, in which languages, and what a stage does when it fires."""

    name: str
    languages: tuple[str, ...]
    finds: str
    action: str  # "rebuild": the item is made again from the talk; "drop": the sentence goes; "flag": check reports it
    test: Callable[..., str | None]


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("’", "'")


SUFFIXES = ("ing", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A word without its ending, then its first five letters: "edited" and "edits" meet, so do "caching" and
    "cached"."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:5]


def claim_words(text: str, language: str) -> list[str]:
    """What a sentence claims, as words a talk would have to say: English content words (no function or frame words,
    no words in quote marks — those are checked as quotes), Chinese character pairs outside the particle list."""
    bare = QUOTED.sub(" ", MARKUP.sub(" ", fold(text)))
    if language == "zh":
        runs = re.findall(r"[\u3400-\u9fff]+", "".join(" " if ch in ZH_STOP else ch for ch in bare))
        latin = [w for w in LATIN_WORD.findall(bare) if w not in STOP and len(w) > 2]
        return [run[i : i + 2] for run in runs for i in range(len(run) - 1)] + latin
    return [w for w in LATIN_WORD.findall(bare) if w not in STOP and len(w) > 2]


@dataclass(frozen=True)
class Talk:
    """What a talk says, read once per talk however many sentences are checked against it."""

    terms: Counter[str]  # stems (Chinese: character pairs) → how often the talk says them
    numbers: frozenset[str]
    chars: frozenset[str]  # Chinese characters


@lru_cache(maxsize=16)
def _talk(grounds: str, language: str) -> Talk:
    folded = fold(grounds)
    terms = Counter(stem(w) for w in LATIN_WORD.findall(folded))
    chars = "".join(HAN.findall(folded))
    if language == "zh":
        terms += Counter(chars[i : i + 2] for i in range(len(chars) - 1))
    return Talk(terms, frozenset(NUMBER.findall(folded)), frozenset(chars))


def unsupported_words(text: str, grounds: str, language: str) -> list[str]:
    """The words and numbers of `text` its grounds (the talk, or one section's span) never say."""
    talk = _talk(grounds, language)
    missing = [w for w in claim_words(text, language) if stem(w) not in talk.terms]
    missing += [n for n in NUMBER.findall(QUOTED.sub(" ", MARKUP.sub(" ", fold(text)))) if n not in talk.numbers]
    return missing


PRESUMED = re.compile(
    r"^(?:(?:did|do) you (?:know|realize|realise)|(?:is|was)n't it (?:true|the case)|you know)(?: that)?\s+|"
    r"^你(?:知道|是否知道)(?:吗)?[，,]?",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+|(?<=[。！？])[”’」』）]*")  # "3.5" is one number, not two sentences


PROMISE = re.compile(r"^(?:how to|how you can|如何|怎样|怎么)", re.IGNORECASE)


def unoffered(task: str, grounds: str, language: str) -> str | None:
    """A how-to title's task must be one the talk offers to show: "how to" (如何, 怎么) followed by its verb. A talk
    that explains how a thing works does not teach the reader to write one."""
    folded = fold(grounds)
    if language == "zh":
        verb = "".join(HAN.findall(task))[:2]
        offered = re.search(rf"(?:如何|怎么|怎样).{{0,4}}{re.escape(verb)}", folded) if verb else None
    else:
        verb = next(iter(re.findall(r"[a-z]+", fold(task))), "")
        offered = re.search(rf"\bhow (?:to|you can|do you|we can|i) {re.escape(stem(verb))}", folded) if verb else None
    return None if offered else f"promises a task the talk never offers (how to {verb})"


def unsupported(text: str, grounds: str, language: str, naming: bool = False) -> str | None:
    """The first sentence of `text` that claims what the talk never says. A question claims less, but it presumes its
    subject: most of its words are the talk's ("Did you know it was part of a security initiative?" claims what
    follows "Did you know" outright). A heading
    or title (`naming`) names the talk's subject in a word or two of its own: it may use one word in three the talk
    does not, whatever its form — but a how-to title promises a task, and "How to write efficient X" over a talk
    that never says "efficient" promises what it does not teach: every word of a promise is the talk's."""
    if naming and (promise := PROMISE.match(text.strip())):
        return unoffered(text.strip()[promise.end() :], grounds, language) or unsupported_sentence(
            text, grounds, language, share=99
        )
    if naming:
        return unsupported_sentence(text, grounds, language, share=3)
    for sentence in SENTENCE.split(text):
        claimed = PRESUMED.sub("", sentence.strip(), count=1)
        if claimed != sentence.strip() or (claimed and not claimed.rstrip(" \"”’')").endswith(("?", "？"))):
            if reason := unsupported_sentence(claimed, grounds, language):
                return reason
        elif claimed and (reason := unsupported_sentence(claimed, grounds, language, QUESTION_SHARE, least=1)):
            return reason  # "How do you handle 3D textures in pixel art?" presumes a subject the talk never had
    return None


QUESTION_SHARE = 3  # a question's own words (beyond its frame) may be new one in three: it asks, but about the talk


def unsupported_sentence(text: str, grounds: str, language: str, share: int = 4, least: int = 0) -> str | None:
    """A model-written sentence must be the talk's: a number it never says, or more than one word in four (any word
    in a line of three) it never uses, is the model's own claim ("requires sudo" in a talk that never says sudo)."""
    words = claim_words(text, language)
    missing = unsupported_words(text, grounds, language)
    allowed = max(1, len(words) // share) if share < 4 and len(words) >= share else len(words) // share
    if language == "zh":  # a paraphrase joins the talk's characters in new pairs: the characters must be the talk's
        pairs = [word for word in missing if HAN.match(word)]
        chars = {ch for word in words if HAN.match(word) for ch in word}
        new = {ch for word in pairs for ch in word} - _talk(grounds, language).chars
        missing = [word for word in missing if not HAN.match(word)] + sorted(new)
        if len(pairs) > len(words) // 2:
            missing += pairs
        allowed = len(chars) // share
    if any(NUMBER.fullmatch(word) for word in missing) or len(missing) > max(least, allowed):
        shown = ", ".join(dict.fromkeys(missing[:4]))
        return f"says what the talk does not ({shown})"
    return None


@lru_cache(maxsize=64)
def _runs(text: str, language: str) -> frozenset[str]:
    """Every run of BORROWED_RUN words (characters); cached, since the talk and the past are read for every item."""
    if language == "zh":
        chars = "".join(HAN.findall(fold(text)))
        size = BORROWED_RUN["zh"]
        return frozenset(chars[i : i + size] for i in range(len(chars) - size + 1))
    words = re.findall(r"[a-z0-9']+", fold(text))
    size = BORROWED_RUN["en"]
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def borrowed(text: str, past: list[str], language: str, spoken: str = "") -> str | None:
    """Past content is voice, never text: a run of six words (ten Chinese characters) shared with a past post, hook
    or stored question — unless the talk itself says those words."""
    mine = _runs(text, language)
    if not mine:
        return None
    if spoken:
        mine -= _runs(spoken, language)
    for other in past:
        shared = mine & _runs(other, language)
        if shared:
            return f"repeats past content (“{sorted(shared)[0]}”)"
    return None


LINK_WORD = {  # a first word that ties a sentence to the one before it
    "en": re.compile(
        r"^(?:and so|and then|so|and|but|yet(?! another)|or|also|plus|then|anyway|because)\b\s*,?\s*", re.I
    ),
    "zh": re.compile(r"^(?:所以|然后|但是|而且|而是|而|因此|另外|那么|不过|并且)[，,]?"),
}
# an example, an alternative or a consequence opens on the claim it follows ("Conversely…"): alone it follows nothing
EXAMPLE_START = {
    "en": re.compile(
        r"^(?:for (?:example|instance)|like|say|e\.g\.|if not|otherwise|instead|in that case|conversely|likewise|"
        r"similarly|meanwhile|moreover|furthermore|additionally|besides|therefore|thus|hence|as a result|"
        r"on the other hand|in contrast|by contrast|in (?:this|that) way|as (?:i|we) (?:just )?(?:say|said|mentioned|"
        r"saw|showed)(?: (?:that|this|before|earlier))?)\b|"
        # a reply to what came before: a defence, a concession, a turn ("To be fair, …", "That said, …")
        r"^(?:in (?:my|our|his|her|their) defen[cs]e|to be (?:fair|honest)|that said|having said that|even so|"
        r"that being said|in any case|either way|at the same time|after all)\b|"
        # a recap of what was just shown ("Now we know what that number was."): the reader saw none of it
        r"^(?:so )?now (?:we|you) (?:know|have|understand|see|can see|get)\b",
        re.I,
    ),
    "zh": re.compile(
        r"^(?:举个例子|举例来说|比如|例如|譬如|相反|同样|同理|因此|于是|此外|与此同时|话虽如此|说句公道话|不管怎样)"
    ),
}

COUNTED_ON = {  # the next item of a list the reader never saw: "A third step is…", "Another option…", "其次…"
    "en": re.compile(
        r"^(?:(?:the|a|an|my|our) )?(?:second|third|fourth|fifth|sixth|next|another|final)\b|"
        r"^the (?:other|latter|former)\b|"
        r"^(?:secondly|thirdly|lastly|finally)\b",
        re.I,
    ),
    "zh": re.compile(r"^(?:第[二三四五六七八九十]|其次|再次|最后|另一(?:个|方面|种)|还有一(?:个|点))"),
}


# a short line that adds itself to one before ("I was also tired.", "It failed too.", "我也…"): alone it adds to
# nothing
ADDS_TO = {
    "en": re.compile(r"^(?:[\w'’]+\s+){1,3}also\b|\b(?:too|as well|either)\W*$", re.I),
    "zh": re.compile(r"^(?:我们|我|你们|你|他们|他|她|它|这|那|大家)?也(?!许|就是)"),
}
ADDS_TO_WORDS = 15  # a longer line says enough of its own


def _size(text: str, language: str) -> int:
    """Words as a reader counts them: a Chinese character is one."""
    return len(HAN.findall(text)) if language == "zh" else len(text.split())


TRAILS_ON = re.compile(r"^(?:\.{2,}|…)")  # "...doing the CI": the sentence before trailed off into this one
# a statement opening on its verb, its subject left in the sentence before ("Can be one bit, or two.")
NO_SUBJECT = re.compile(
    r"^(?:can|could|will|would|should|might|must|is|are|was|were|has|have|had)\b(?!.*[?？]\W*$)", re.I
)


def leans_back(text: str, language: str) -> str | None:
    """A sentence shown alone (a bullet, a post, a paragraph's start) that opens on a word pointing at a sentence the
    reader never saw: a connective ("So…", "Which is why…"), a pronoun ("It was great.", "This is how…"), "这说明…",
    the next item of a list ("A third step is…")."""
    from pipeline.analysis.speech import leans_on_pronoun, paragraph_opening

    stripped = text.strip().strip("\"“”'‘’")
    if paragraph_opening(stripped, language) is None or leans_on_pronoun(stripped, language):
        return "leans on a sentence left out"
    lang = "zh" if language == "zh" else "en"
    openings = (LINK_WORD[lang], EXAMPLE_START[lang], COUNTED_ON[lang], TRAILS_ON, *([NO_SUBJECT] * (lang == "en")))
    if any(pattern.match(stripped) for pattern in openings):
        return "leans on a sentence left out"
    if ADDS_TO[lang].search(stripped) and _size(stripped, lang) <= ADDS_TO_WORDS * (1 + (lang == "zh")):
        return "leans on a sentence left out"
    return None


def misframed(text: str, grounds: str, language: str) -> str | None:
    """A title frames the whole talk: its words are what the talk keeps saying. A title built on a word said once
    ("…Karaoke Floppy Drive" over a talk that says karaoke once, as a maybe) misstates what the talk is about."""
    counts = _talk(grounds, language).terms
    least = 2 if sum(counts.values()) >= FRAMING_WORDS else 1  # a short talk says its subject once
    words = [stem(w) for w in claim_words(text, language)]
    rare = [w for w in words if counts[w] < least]
    if words and len(rare) * 3 >= len(words):
        return f"frames the talk by words it says once or never ({', '.join(rare[:3])})"
    return None


def wrong_language(text: str, language: str) -> str | None:
    """An English line with Chinese characters in it ("…to fight forest火灾?"): a small model slipping languages."""
    if language != "zh" and HAN.search(text):
        return "slips into Chinese"
    return None


def cut_short(text: str, grounds: str) -> str | None:
    """Ends on a word cut short by a length bound ("…changing alignment, and r"): the talk never says it whole, only
    as the start of a longer word."""
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    if not words or re.search(rf"\b{re.escape(words[-1])}\b", grounds, re.IGNORECASE):
        return None
    if re.search(rf"\b{re.escape(words[-1])}\w", grounds, re.IGNORECASE):
        return f"ends on a cut word (“{words[-1]}”)"
    return None


SUBJECT_TERMS = 10  # a talk's subject: the content words (Chinese: character pairs) it says most, this many of them
SUBJECT_LEAST = 3  # each said at least this often


def off_subject(text: str, grounds: str, language: str) -> str | None:
    """A headline stamped on every draft names what the talk is about: at least one of the words it says most. One
    built on an aside ("The editor's challenge" over a talk on communities) misframes every post it heads."""
    counts = Counter(stem(word) for word in claim_words(grounds, language))
    subject = {word for word, count in counts.most_common(SUBJECT_TERMS) if count >= SUBJECT_LEAST}
    if subject and not subject & {stem(word) for word in claim_words(text, language)}:
        return "names none of the words the talk says most"
    return None


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "unsupported",
            ("en", "zh"),
            "a model sentence with words or numbers the talk never says",
            "rebuild",
            unsupported,
        ),
        Rule("borrowed", ("en", "zh"), "a run of words from a past post, hook or stored question", "rebuild", borrowed),
        Rule("leans_back", ("en", "zh"), "a sentence shown alone that points at one left out", "drop", leans_back),
        Rule("wrong_language", ("en",), "an English line with Chinese characters in it", "rebuild", wrong_language),
        Rule("misframed", ("en", "zh"), "a title built on words the talk says once or never", "rebuild", misframed),
        Rule("cut_short", ("en",), "a title or name ending on a word cut by a length bound", "rebuild", cut_short),
        Rule(
            "off_subject",
            ("en", "zh"),
            "a headline naming none of the words the talk says most",
            "rebuild",
            off_subject,
        ),
    )
}


FIRED: Counter[str] = Counter()  # rule → times it found something in this process (make eval reports it per talk)


def fired(name: str, *args, **kwargs) -> str | None:
    """Run one rule of the table by name; what it found, or None."""
    found = RULES[name].test(*args, **kwargs)
    if found:
        FIRED[name] += 1
    return found
