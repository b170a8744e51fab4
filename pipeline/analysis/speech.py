"""What in a transcript is talk and what is noise, and which sentences stand alone as quotes.

Pure functions over one sentence (or one line) at a time, English ("en") and Chinese ("zh"), no model: a segmenter
cuts stage directions out with STAGE_DIRECTION, the outline drops page furniture and remarks to the room, drafts
quote `clean` sentences, and `quotability` ranks pull-quote candidates. The rules are written against real
stenographer captions and Chinese speech, and they err on the side of keeping words: a filler left in is a blemish,
a content word taken out changes what the speaker said.
"""

from __future__ import annotations

import re

# ---------------------------------------------------------------------------------------------------------------
# Stage directions
# ---------------------------------------------------------------------------------------------------------------

_OPEN, _CLOSE = r"[(\[（【]", r"[)\]）】]"
# A cue word must be inside: "(MIT)", "(JIT)" or "（比如远程办公）" are asides the speaker said, not directions.
_EN_CUES = (
    r"applause|applauding|clapping|claps|laughter|laughing|laughs?|chuckles?|chuckling|giggles|music|inaudible|"
    r"indistinct|unintelligible|crosstalk|cross-talk|cheers|cheering|silence|pause|coughs?|coughing|noise|phonetic|"
    r"booing|groans?|audience|sighs?|whistling|whistles|static|singing|sings|humming|hums|beeps?|beeping|ringing|"
    r"buzzing|video plays|video playing|audio plays|audio playing"
)
_ZH_CUES = r"掌声|鼓掌|笑声|大笑|众笑|笑|欢呼|音乐|听不清|杂音|停顿|沉默|咳嗽"
_EN_DIRECTION = rf"{_OPEN}\s*(?=[a-z' -]*\b(?:{_EN_CUES})\b)[a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){{0,3}}\s*{_CLOSE}"
_ZH_DIRECTION = rf"{_OPEN}\s*(?:(?:现场|观众|全场|众人)?(?:{_ZH_CUES})声?(?:雷动)?[和与及、\s]*){{1,3}}{_CLOSE}"
STAGE_DIRECTION: re.Pattern = re.compile(f"{_EN_DIRECTION}|{_ZH_DIRECTION}", re.IGNORECASE)

_WORDY = re.compile(r"[^\W_]")  # a letter, digit or CJK character


def is_stage_direction(text: str) -> bool:
    """A piece that is only "(applause)" and the like: nobody said it, so it is neither content nor a quote."""
    return bool(STAGE_DIRECTION.search(text)) and not _WORDY.search(STAGE_DIRECTION.sub("", text))


# ---------------------------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------------------------

_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"[!?。！？…]|\.(?=\s|$|[\"'”’)])")
_URL = re.compile(r"https?://|\bwww\.|\b[\w-]+\.(?:com|org|net|io|dev|cn|ai|co)\b", re.IGNORECASE)


def _words(text: str) -> list[str]:
    """English words: whitespace tokens with a letter or digit in them (a lone "--" is not a word)."""
    return [token for token in text.split() if _WORDY.search(token)]


def _zh_length(text: str) -> int:
    """Chinese length in characters, an embedded Latin word or number counting as one."""
    return len(_CJK_CHAR.findall(text)) + len(re.findall(r"[A-Za-z0-9]+", text))


def _alternation(phrases: list[str]) -> str:
    """Longest first, so "about us" wins over "about"; spaces match any run of spaces."""
    escaped = [re.escape(phrase).replace(r"\ ", r"\s+") for phrase in sorted(phrases, key=len, reverse=True)]
    return "|".join(escaped)


# ---------------------------------------------------------------------------------------------------------------
# Page furniture
# ---------------------------------------------------------------------------------------------------------------

_EN_UI_WORDS = [
    "home",
    "about",
    "about us",
    "contact",
    "contact us",
    "blog",
    "login",
    "log in",
    "logout",
    "log out",
    "sign in",
    "sign up",
    "sign out",
    "register",
    "menu",
    "search",
    "privacy",
    "privacy policy",
    "terms",
    "terms of service",
    "terms of use",
    "faq",
    "help",
    "careers",
    "pricing",
    "docs",
    "share",
    "shares",
    "like",
    "likes",
    "comment",
    "comments",
    "reply",
    "replies",
    "follow",
    "followers",
    "following",
    "subscribe",
    "subscribers",
    "view",
    "views",
    "reads",
    "retweet",
    "retweets",
    "repost",
    "reposts",
    "save",
    "bookmark",
    "download",
    "print",
    "tweet",
    "upvote",
    "upvotes",
    "report",
    "read more",
    "show more",
    "load more",
    "see more",
    "next post",
    "previous post",
    "back to top",
    "skip to content",
    "copy link",
    "min read",
    "claps",
    "reactions",
]
_ZH_UI_WORDS = [
    "首页",
    "主页",
    "登录",
    "登陆",
    "注册",
    "退出",
    "搜索",
    "菜单",
    "关于我们",
    "联系我们",
    "帮助",
    "隐私政策",
    "用户协议",
    "服务条款",
    "下载",
    "打开APP",
    "下载APP",
    "阅读原文",
    "阅读全文",
    "阅读量",
    "阅读",
    "展开全文",
    "展开",
    "收起",
    "查看更多",
    "加载更多",
    "更多",
    "点赞",
    "赞",
    "收藏",
    "分享",
    "转发",
    "评论",
    "回复",
    "关注",
    "已关注",
    "订阅",
    "在看",
    "喜欢",
    "举报",
    "浏览",
    "次浏览",
    "次阅读",
    "羽毛",
    "返回顶部",
    "上一篇",
    "下一篇",
    "复制链接",
    "投诉",
    "扫一扫",
    "赞赏",
    "打赏",
    "粉丝",
]
_UI = re.compile(rf"\b(?:{_alternation(_EN_UI_WORDS)})\b|{_alternation(_ZH_UI_WORDS)}", re.IGNORECASE)
_COUNT = re.compile(r"\d[\d,.]*\s*(?:[kmw万千亿]|次)?", re.IGNORECASE)
_NAV_SEPARATOR = re.compile(r"\s*[|｜·•»›>]\s*|\s+/\s+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(
    r"(?<!\d)(?:\+\d{1,3}[\s-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[.-])\d{3,4}[.-]\d{4}(?!\d)"
    r"|(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"
)
_CONTACT = re.compile(
    r"^\s*(?:(?:微信号?|公众号|QQ群?|电话|手机|邮箱|联系方式|WeChat|E-?mail|Tel|Phone|Mobile|Fax)\s*[:：]"
    r"|follow us\b|find us on\b|connect with us\b|关注我们|扫码关注|长按(?:识别)?二维码|扫描二维码)",
    re.IGNORECASE,
)
_WIDGET = re.compile(
    r"恭喜你?.{0,3}答对了|答错了|成功推荐给|推荐给(?:其他人|朋友)|已推荐|正确答案是|查看答案|领取奖励|积分\s*[+＋]"
    r"|^\s*(?:我知道了|知道了|确定|取消|关闭)\s*$"
    r"|^\s*(?:thanks for reading|subscribe to (?:our|the|my) newsletter|sign up for (?:our|the|my) newsletter"
    r"|continue reading|we use cookies|accept (?:all )?cookies|advertisement|sponsored)\b",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\s*(?:©|\(c\))?\s*\d{4}|\ball rights reserved\b|版权所有|保留所有权利"
    r"|未经(?:许可|授权).{0,10}转载|转载请注明|ICP备|公网安备",
    re.IGNORECASE,
)


def _is_short(text: str, lang: str, words: int = 15, chars: int = 40) -> bool:
    """Furniture is short; the length guard keeps a long spoken sentence that mentions an email from being dropped."""
    return _zh_length(text) <= chars if lang == "zh" else len(_words(text)) <= words


def _is_ui_only(text: str) -> bool:
    """Only buttons, links and counters: "Share", "Like 42", "阅读 1.2万", "+ 10羽毛", "首页 登录 注册"."""
    if len(text) > 60 or not _UI.search(text) or _SENTENCE_END.search(text):
        return False
    return not _WORDY.search(_COUNT.sub(" ", _UI.sub(" ", text)))


def _is_navigation(text: str, lang: str) -> bool:
    """Three or more short items in a row, split by "|", "·", ">" (or by spaces, for Chinese menus)."""
    if _SENTENCE_END.search(text) or "," in text or "，" in text:
        return False
    items = [item for item in _NAV_SEPARATOR.split(text.strip()) if item]
    if len(items) >= 3 and all(len(item.split()) <= 3 and len(item) <= 24 for item in items):
        return True
    return lang == "zh" and bool(re.fullmatch(r"\s*[\u4e00-\u9fff]{1,6}(?:\s+[\u4e00-\u9fff]{1,6}){2,}\s*", text))


def _is_mostly_symbols(text: str) -> bool:
    """A short line without sentence punctuation that is mostly digits and symbols: dates, counters, page numbers."""
    visible = [ch for ch in text if not ch.isspace()]
    if not visible or len(text) > 40 or _SENTENCE_END.search(text):
        return False
    letters = sum(ch.isalpha() for ch in visible)
    return letters / len(visible) < 0.5


_ADVERT = re.compile(
    r"\b(?:use|enter|apply) (?:the |our |my )?(?:promo |discount |coupon )?(?:code|coupon) (?:[\"“'‘]|[\w-]*\d|"
    r"(?-i:[A-Z]{3,}\b))|\b(?:promo|discount|coupon) "
    r"codes?\b|\b\d+ ?(?:%|percent) off\b|\b(?:is |are )?(?:sponsored|brought to you) by (?:our (?:friends|"
    r"sponsors?|partners?)|(?-i:[A-Z]))|\bthanks? (?:again )?to (?:our|this (?:week|episode)'s) (?:friends|sponsors?|"
    r"partners?)\b|\bour (?:friends|sponsors?|partners?) (?:at|over at) (?-i:[A-Z])"
    r"|优惠码|折扣码|本期(?:节目)?由.{1,20}(?:赞助|支持)|感谢.{1,20}(?:赞助|冠名)",
    re.IGNORECASE,
)
ADVERT_GAP = 1  # a sentence between two advert sentences of one voice is the same read ("We'll see you in Austin.")


def is_advert(text: str) -> bool:
    """A sponsor read or a promo-code line: the publisher's, said or printed, never the talk's content."""
    return bool(_ADVERT.search(text))


def is_furniture(text: str, lang: str) -> bool:
    """Web-page text that a copied transcript drags along (menus, buttons, contact lines, quiz pop-ups, copyright):
    it was never said, so it must not reach the outline or a quote."""
    if not _WORDY.search(text):
        return False
    if _COPYRIGHT.search(text) or _WIDGET.search(text) or _is_ui_only(text) or _is_navigation(text, lang):
        return True
    if _is_short(text, lang) and (_CONTACT.search(text) or _EMAIL.search(text) or _PHONE.search(text)):
        return True
    return _is_mostly_symbols(text)


# ---------------------------------------------------------------------------------------------------------------
# Remarks to the room
# ---------------------------------------------------------------------------------------------------------------

_EN_INTRO = r"(?:i'm|i am|my name is) (?-i:[A-Z])[\w'-]*(?: (?-i:[A-Z])[\w'-]*){0,2}"  # a name, capitalised
_EN_NUMBER_WORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty)"
_EN_REMARKS = [
    # acknowledgements and fillers said on their own
    r"ok(?:ay)?|yeah|yes|yep|yup|no|cool|all ?right|right|great|awesome|good|sure|perfect|nice|wow|so|um+|uh+|oh|"
    r"anyway|hmm+|whoa|oops|sorry|excellent|fantastic|wonderful|exactly|amazing|neat|fine|sweet|ha(?:ha)*|yay|woo+|"
    r"oh (?:boy|no|well)|so yeah|okay cool|i'm done|i'm finished|everyone|everybody|folks|guys|y'all|all|"
    r"i'?ll project|where was i|here we go|bear with me|(?:hang|hold) on|too|as well",
    # thanks and greetings, the speaker's own name included
    r"(?:thank you|thanks|thank ya|many thanks)(?: (?:so|very) much)?(?: (?:all|everyone|everybody|guys|folks|"
    r"again|y'all))?(?: (?:so|very) much)?(?: for (?:coming|listening|having me|being here|your (?:time|attention)|"
    r"inviting me|the (?:introduction|intro)|watching))?(?: (?:today|tonight|here))?",
    r"(?:(?:hello|hi|hey|howdy|good (?:morning|afternoon|evening)|welcome(?: back)?) ?)+(?: (?:everyone|everybody|"
    rf"all|folks|guys|there|y'all|again|people))?(?: {_EN_INTRO})?",
    _EN_INTRO,
    r"how(?: is|'s| are) (?:everyone|everybody|you(?: all| guys)?|y'all)(?: doing)?(?: today| tonight)?",
    # is the sound and the screen working
    r"(?:can|could) (?:everyone|everybody|you(?: all| guys)?|people|y'all|folks)(?: in the back)? (?:hear|see)"
    r"(?: (?:me|this|that|it|ok|okay|all right|well|the (?:screen|slides?)|now)){0,3}(?: (?:in|at) the back)?",
    r"(?:is|are) (?:this|that|it|the mic|my mic|the microphone|my microphone|we|i) (?:on|working|live|good|"
    r"loud enough|too loud|too quiet|okay|ok)(?: now)?",
    r"am i (?:being )?(?:amplified|on|audible|loud enough|too loud|too quiet|miked|mic'd|coming through)",
    r"(?:mic |sound )?(?:check|testing)(?: (?:check|testing|one|two|three|1|2|3))*",
    # time, slides, laptops, questions
    rf"{_EN_NUMBER_WORD} (?:more )?(?:minutes?|mins?|seconds?)(?: (?:left|to go|remaining))?",
    rf"(?:we|i|you) (?:still )?(?:have|'ve got|have got) {_EN_NUMBER_WORD} (?:more )?minutes?(?: left)?",
    r"talk (?:amongst|among) yourselves",
    r"(?:(?:go to|back to|on to|onto) )?(?:the )?(?:next|previous|last) slide(?: please)?",
    r"(?:can (?:i|we|you) )?(?:go|skip) (?:back|forward|ahead)(?: (?:one|a) slides?)?(?: please)?",
    r"(?:let me|let's|i'm going to|i'll|i need to|we need to) [a-z' ]{0,25}\b(?:laptop|computer|slides|screen|"
    r"projector|mic|microphone|adapter|dongle|presentation|clicker)(?: (?:up|here|working|real quick|now|again))*",
    r"(?:are there |do we have |does anyone have |anyone have )?(?:any )?(?:more |other |further )?questions?",
    r"(?:i'll|we'll|we can|i can) take (?:some |any |a few )?questions(?: now)?",
    r"(?:that's|that is) (?:it|all|all i have|all i've got|my talk|about it)(?: for (?:me|today|now))?",
    r"(?:i'm|i am|we're|we are) (?:(?:running )?out of|over|almost out of|short on) time",
    r"(?:come|feel free to|you can) (?:talk to|find|chat with|grab) me(?: (?:after|later|afterwards|here|outside))*",
    r"(?:i'll|i will) be (?:around|here|outside)(?: (?:after|later|afterwards|all day))*",
    r"(?:one|just a|give me a|wait a) (?:second|sec|moment|minute)|let me see|let's see",
    r"let's (?:get started|begin|start|do this|go)|(?:let's )?give it up(?: for [a-z' ]{1,30})?",
    r"(?:a )?(?:show of hands|round of applause)",
    # a guest's courtesies to the host
    r"(?:i )?appreciate (?:that|it|you(?: having me)?)|glad to hear (?:it|that)|(?:that's a |a )?(?:great|good) "
    r"question|absolutely|definitely|of course|you're welcome|my pleasure|that makes sense|"
    r"hopefully (?:it's|that's|that was) (?:clear|helpful|useful)(?: for you)?(?:,? too)?",
    # how the speaker feels up there
    r"i'?m (?:a (?:little|bit) |so |very |really |super )?(?:nervous|excited|happy|thrilled|hono(?:u)?red)"
    r"(?: to be here(?: today| tonight)?)?|i'?m sure it'?ll (?:be )?(?:fine|okay|ok|great|go (?:well|fine))",
]
_EN_REMARK = re.compile(
    r"(?:(?:so|and|well|um|uh|oh|okay|ok|all right|alright|yeah|but|now|again) )*"
    rf"(?:{'|'.join(f'(?:{pattern})' for pattern in _EN_REMARKS)})"
    r"(?: (?:then|again|now|please|guys|everyone|everybody|folks|y'all|here))*",
    re.IGNORECASE,
)
_ZH_REMARKS = [
    r"大家好|各位好|你们好|哈喽|嗨|hello|hi|各位(?:朋友|观众|同学|老师|嘉宾|来宾)们?(?:大家)?好?",
    r"(?:大家|各位)?(?:早上|上午|中午|下午|晚上)好",
    r"(?:谢谢|非常感谢|感谢|多谢)(?:大家|各位|你|你们|您)?(?:的(?:聆听|收听|观看|时间|支持))?|谢了",
    r"好的|好|好吧|好了|行|嗯+|对|对的|对对|是的|没错|ok|okay|那么|那|然后|然后呢|哦|啊|呃|可以|来",
    r"(?:我们)?(?:看|来看|翻到)?(?:下一|上一)(?:页|张)|翻(?:一)?页|换(?:一)?页|这一页",
    r"(?:大家|你们|后排|后面)?(?:能|可以)?听(?:到|见|得到|得见|清楚|得清楚)(?:我(?:说话|的声音)?)?(?:吗|么|嘛)?",
    r"(?:麦克风|话筒|麦)(?:有声音|开了|能用)?(?:吗|么)?|喂+",
    r"(?:大家)?(?:有|还有)(?:没有)?(?:什么)?问题(?:吗|么)?",
    r"(?:还有|我还有)(?:\d+|[一二两三四五六七八九十]+)分钟",
    r"(?:我的)?时间(?:到了|差不多了)|(?:今天)?(?:就)?(?:到这里|讲到这里|这些)|我(?:今天)?(?:就)?讲(?:到这里|完了|这么多)",
    r"我是(?:[\u4e00-\u9fff]{2,4}|[A-Za-z][A-Za-z ]{1,20})",
    r"稍等(?:一下)?|等一下|等我一下|我看一下|(?:我们)?开始(?:吧)?",
]
_ZH_REMARK = re.compile(
    rf"(?:{'|'.join(f'(?:{pattern})' for pattern in _ZH_REMARKS)})[啊呀啦吧哈嘛呢哦]*", re.IGNORECASE
)


def _clauses(text: str, lang: str) -> list[str]:
    """The sentence cut at its punctuation: "Okay, thank you so much!" is two clauses. Case is kept for names."""
    cuts = r"[，,。！？!?.;；：:、…\s]+" if lang == "zh" else r"[,.!?;:…\"“”()]+|\s-{2,}\s"
    normal = text.replace("’", "'")
    clauses = [" ".join(clause.split()) for clause in re.split(cuts, normal)]
    return [clause for clause in clauses if clause]


def is_remark_to_room(text: str, lang: str) -> bool:
    """Short sentences addressed to the audience or the AV desk ("Can everyone hear me?", "谢谢大家"): true to the
    recording, but no reader needs them. Every clause must be such a remark, so "Thank you for building X, which
    made Y possible" stays content."""
    if STAGE_DIRECTION.search(text):
        text = STAGE_DIRECTION.sub(" ", text)
    too_long = _zh_length(text) > 20 if lang == "zh" else len(_words(text)) > 12
    clauses = _clauses(text, lang)
    if too_long or not clauses:
        return False
    pattern = _ZH_REMARK if lang == "zh" else _EN_REMARK
    return all(pattern.fullmatch(clause) for clause in clauses)


# ---------------------------------------------------------------------------------------------------------------
# Cleaning speech into prose
# ---------------------------------------------------------------------------------------------------------------

# Words that begin a new clause: "So" before one of them is a filler, "So many" and "So far" are not.
_CLAUSE_START = {
    "i",
    "i'm",
    "i've",
    "i'd",
    "i'll",
    "we",
    "we're",
    "we've",
    "we'll",
    "we'd",
    "you",
    "you're",
    "you've",
    "you'll",
    "he",
    "he's",
    "she",
    "she's",
    "it",
    "it's",
    "they",
    "they're",
    "they've",
    "this",
    "that",
    "that's",
    "these",
    "those",
    "there",
    "there's",
    "here",
    "here's",
    "what",
    "what's",
    "how",
    "why",
    "when",
    "where",
    "who",
    "which",
    "the",
    "a",
    "an",
    "my",
    "our",
    "your",
    "his",
    "her",
    "their",
    "its",
    "if",
    "now",
    "then",
    "let",
    "let's",
    "in",
    "on",
    "at",
    "for",
    "after",
    "before",
    "one",
    "today",
    "first",
    "as",
    "once",
    "even",
    "every",
    "some",
    "just",
    "basically",
    "anyway",
    "yeah",
    "um",
    "uh",
    "again",
    "actually",
    "instead",
    "another",
    "each",
    "no",
    "not",
}
# Repeats that are emphasis or words of their own, not stutters.
_EMPHATIC = {
    "very",
    "really",
    "so",
    "much",
    "many",
    "more",
    "far",
    "long",
    "over",
    "again",
    "bye",
    "ha",
    "no",
    "knock",
    "blah",
    "yada",
    "tsk",
    "there",
    "well",
    "now",
    "goody",
    "chop",
    "boo",
    "cha",
    "hush",
}
_SAME_WORD_TWICE = {"that", "had", "is", "do"}  # "I know that that works", "what it is is"
# Words that cannot end a clause, so "the, the" or "we, we" is a stutter while "to achieve it, it works" is not.
_NO_CLAUSE_END = {
    "i",
    "we",
    "they",
    "he",
    "she",
    "the",
    "a",
    "an",
    "and",
    "but",
    "or",
    "so",
    "because",
    "if",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "from",
    "by",
    "my",
    "our",
    "your",
    "their",
    "its",
}
# Subjects: a filler between commas before one of them keeps a comma ("We tried, like, we did" -> "tried, we did").
_SUBJECTS = {
    "i",
    "we",
    "you",
    "he",
    "she",
    "it",
    "they",
    "there",
    "this",
    "that",
    "i'm",
    "we're",
    "you're",
    "it's",
    "they're",
    "there's",
    "that's",
    "i've",
    "we've",
    "i'll",
    "we'll",
    "he's",
    "she's",
}
_LINKERS = {"and", "or", "but", "so", "because", "the", "a", "an", "to", "of", "in", "on", "for", "with", "like"}
# "I was, like, ..." quotes someone ("like" there means "said"); "it was, like, huge" is a filler.
_QUOTATIVE = re.compile(
    r"\b(?:(?:i|he|she|we|they|you)\s+(?:was|were|am|are|is)|i'm|he's|she's|we're|they're|you're)$", re.IGNORECASE
)
# After "--", these words mark a pause in the same thought (a comma), anything else a break (an em dash).
_PAUSE_WORDS = {
    "really",
    "like",
    "um",
    "uh",
    "well",
    "actually",
    "basically",
    "maybe",
    "perhaps",
    "again",
    "sort",
    "kind",
    "honestly",
    "anyway",
    "obviously",
    "probably",
    "though",
    "too",
}

_EN_FILLER = re.compile(r"(?:,\s*)?\b(?:u+m+|u+h+|e+r+m+|er|uhm+|hmm+)\b(?!-)(?:\s*,)?", re.IGNORECASE)
_EN_DELIMITED_FILLER = re.compile(
    r"(?P<before>[\w']+)?(?:\s*,|\s+-{2,})\s*(?P<filler>u+m+|u+h+|e+r+m+|er|uhm+|hmm+|you know|like|sort of|kind of)"
    r"(?:\s*,|\s*-{2,})\s*(?=(?P<after>[\w']+)?)",
    re.IGNORECASE,
)
_EN_LEADING_FILLER = re.compile(r"^\s*(?:you know|like|i mean)\s*,\s*", re.IGNORECASE)
_EN_TAG = re.compile(r",\s*(?:right|you know)\s*[?.!]+\s*$", re.IGNORECASE)
_EN_OPENER_COMMA = re.compile(
    r"^\s*(?:(?:okay|ok|all right|alright)\s*,?\s*so|so|and so|well|right|yeah|basically|okay|ok|all right|alright|"
    r"anyway)\s*,\s*(?=\S)",
    re.IGNORECASE,
)
_EN_OPENER_TAG = re.compile(  # "Right? Instruments matter a lot.": a tag said to the room, then the sentence
    r"^\s*(?:right|yeah|yes|okay|ok|all right|alright|so|well|anyway)\s*[?.!]+\s+(?=[\"“‘'(]?[A-Z])", re.IGNORECASE
)
_EN_OPENER_WORD = re.compile(r"^\s*(?:(?:okay|ok|all right|alright)\s*,?\s*so|and so|so)\s+(?=(\S+))", re.IGNORECASE)
_EN_CUT_OFF = re.compile(r"\b([a-z]{1,4})-\s+(?=\1)", re.IGNORECASE)
_EN_REPEAT = re.compile(r"\b([a-z']+(?: [a-z']+){0,5})(\s*(?:,|-{2,})\s*|\s+)\1\b", re.IGNORECASE)


def _delimited_filler(match: re.Match) -> str:
    """A filler between commas (or dashes) goes; the comma stays only where a new clause follows."""
    before, after = (match.group("before") or ""), (match.group("after") or "").lower()
    if match.group("filler").lower() == "like" and _QUOTATIVE.search(match.string[: match.end("before")]):
        return match.group(0)
    keep_comma = after in _SUBJECTS and before and before.lower() not in _LINKERS
    return before + (", " if keep_comma else " ")


def _drop_fillers_en(text: str) -> str:
    """um/uh/er anywhere; "you know", "like", "sort of", "kind of" only between commas, where they carry nothing."""
    text = _EN_DELIMITED_FILLER.sub(_delimited_filler, text)
    text = _EN_FILLER.sub(" ", text)
    return _EN_LEADING_FILLER.sub("", text)


def _drop_opener_en(text: str) -> str:
    """One discourse marker at the start ("So", "Okay, so", "Well,"), kept when nothing would follow it."""
    text = _EN_OPENER_TAG.sub("", text, count=1)
    text = _EN_OPENER_COMMA.sub("", text, count=1)
    match = _EN_OPENER_WORD.match(text)
    if match:
        following = match.group(1)
        if following.lower().strip(",.") in _CLAUSE_START or following[:1].isupper():
            text = text[match.end() :]
    return text


def _is_stutter(phrase: str, separator: str) -> bool:
    """Whether a phrase said twice is a false start. After a dash it always is; after a comma only if the phrase
    cannot end a clause ("the, the", "it's, it's"; not "to achieve it, it works"); side by side unless it is a
    word that doubles on purpose ("that that", "slower and slower and slower")."""
    words = phrase.lower().split()
    if len(words) == 1 and words[0] in _EMPHATIC:
        return False
    if separator.startswith("-"):
        return True
    if separator == ",":
        return len(words) > 1 or "'" in phrase or words[0] in _NO_CLAUSE_END
    return not ((len(words) == 1 and words[0] in _SAME_WORD_TWICE) or {"and", "or"} & set(words))


def _collapse_stutters_en(text: str) -> str:
    """Cut-off starts ("I- I think", "wh- what") and repeated words or short phrases, until none are left."""
    text = _EN_CUT_OFF.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _EN_REPEAT.sub(lambda m: m.group(1) if _is_stutter(m.group(1), m.group(2).strip()) else m.group(0), text)
    return text


def _dashes_en(text: str) -> str:
    """Stenographer dashes: leading ones go, a trailing one marks the sentence as broken off ("—"), a pair around a
    short aside becomes a pair of em dashes, one before a hedge ("-- really, the means") a comma, any other an em
    dash (a break in the thought)."""
    text = re.sub(r"^\s*-{2,}\s*", "", text)
    text = re.sub(r"\s*-{2,}\s*[.!?]?\s*$", "—", text)
    parts = re.split(r"\s*-{2,}\s*", text)
    out, aside_open = parts[0], False
    for index, part in enumerate(parts[1:], start=1):
        first = re.match(r"[\w']+", part)
        if aside_open and len(_words(parts[index - 1])) <= 8:
            separator, aside_open = "—", False
        elif first and first.group(0).lower() in _PAUSE_WORDS:
            separator = ", "
        else:
            separator, aside_open = "—", True
        out += separator + part
    return out


def _tidy_en(text: str) -> str:
    """Spaces and commas left behind by the removals, then a capital first letter."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.!?;:%)\]”’]+)(?=\s|$|[\"”’])", r"\1", text)
    text = re.sub(r"([(\[“])\s+", r"\1", text)
    text = re.sub(r",(?:\s*,)+", ",", text)
    text = re.sub(r",\s*(?=[.!?;:—])", "", text)
    text = re.sub(r"^[\s,;:—]+", "", text).strip()
    first = re.search(r"[A-Za-z]\w*", text)
    if first and first.start() == len(text) - len(text.lstrip("\"“‘'([")) and first.group(0).islower():
        text = text[: first.start()] + text[first.start()].upper() + text[first.start() + 1 :]
    return text


# a pause inside a line ("the rye was... how do I put it, a brick"): on a page an ellipsis inside a
# quote says words were left out, so the break in the speech is written as a dash, as transcribers of speech do
_EN_PAUSE_INSIDE = re.compile(r"(?<=\w)[,]?\s*(?:\.{2,}|…)\s+(?=[\w\"“'(])")
_EN_PAUSE_FIRST = re.compile(r"^\s*(?:\.{2,}|…)\s*(?=\w)")  # "...and then": the pause before a line is no word


def _clean_en(text: str) -> str:
    """English speech noise out, in an order where each removal can expose the next ("So, um, like, the...")."""
    text = " ".join(STAGE_DIRECTION.sub(" ", text).split())
    text = _EN_PAUSE_INSIDE.sub("—", _EN_PAUSE_FIRST.sub("", text))
    previous = None
    while previous != text:
        previous = text
        text = _drop_fillers_en(_drop_opener_en(text))
    text = _collapse_stutters_en(text)
    text = _dashes_en(text)
    text = _EN_TAG.sub(".", text)
    text = _drop_opener_en(_tidy_en(text))
    return _tidy_en(text)


_ZH_BOUNDARY = r"(^|[，。！？；：,.!?;:\s])"
_ZH_PRONOUN_AHEAD = r"(?=我们|我|你们|你|他们|他|她|大家|咱们|就是|然后|这个)"
_AA_WORDS = set("谢看常刚渐往偏仅天人个试想听说等稍慢悄默轻哥姐弟妹妈爸宝星聊谈走点些年处样家事哈")


def _collapse_run(match: re.Match) -> str:
    """\"我我我" is a stutter; "谢谢谢谢" keeps the word 谢谢, so AA words keep two characters."""
    char = match.group(1)
    return char * 2 if char in _AA_WORDS else char


def _drop_fillers_zh(text: str) -> str:
    """嗯/呃 anywhere, 啊/哦 and 那个/然后呢 only where a clause starts, 就是说 unless it is 也就是说
    (meaning "that is")."""
    text = re.sub(r"[嗯呃]+[，,、…\s]*", "", text)
    text = re.sub(_ZH_BOUNDARY + r"[啊哦噢喔]+[，,、！!…\s]*", r"\1", text)
    text = re.sub(_ZH_BOUNDARY + r"那个(?:[，,]\s*|" + _ZH_PRONOUN_AHEAD + ")", r"\1", text)
    text = re.sub(_ZH_BOUNDARY + r"然后呢[，,]?\s*", r"\1", text)
    return re.sub(r"(?<![也这那])就是说(?![明服话法出])[，,]?", "", text)


def _collapse_stutters_zh(text: str) -> str:
    """A word said again after a comma ("我们，我们"), a pronoun said twice ("我，我觉得"), a character three times."""
    text = re.sub(r"([\u4e00-\u9fff]{2,4})(?:[，,]\s*\1)+", r"\1", text)
    text = re.sub(r"([我你他她就这那])[，,]\s*\1", r"\1", text)
    return re.sub(r"([\u4e00-\u9fff])\1{2,}", _collapse_run, text)


def _tidy_zh(text: str) -> str:
    """Punctuation left doubled or leading by the removals, and spaces next to Chinese punctuation."""
    text = " ".join(text.split())
    text = re.sub(r"\s*([，。！？；：、“”（）])\s*", r"\1", text)
    text = re.sub(r"([，、；：])[，、；：,]+", r"\1", text)
    text = re.sub(r"[，、；：,]+([。！？!?])", r"\1", text)
    return re.sub(r"^[，、；：,;:\s]+", "", text).strip()


def _clean_zh(text: str) -> str:
    """Chinese speech noise out: interjections, fillers, tag questions at the end, stutters."""
    text = STAGE_DIRECTION.sub("", text)
    text = _drop_fillers_zh(text)
    text = re.sub(r"[，,]\s*(?:对吧|对不对|是吧|是不是)[？?。！!]*\s*$", "。", text)
    text = re.sub(r"(?:对吧|对不对)[？?]\s*$", "。", text)
    return _tidy_zh(_collapse_stutters_zh(text))


def clean(text: str, lang: str) -> str:
    """The sentence as written prose: fillers, false starts, tag questions and stage directions out, nothing added
    and the meaning kept, so a draft can quote it. "" when nothing was said."""
    cleaned = _clean_zh(text) if lang == "zh" else _clean_en(text)
    return cleaned if _WORDY.search(cleaned) else ""


# ---------------------------------------------------------------------------------------------------------------
# Fragments
# ---------------------------------------------------------------------------------------------------------------

_CLOSERS = "\"'”’」』）)》"


# A verb a clause can stand on: an auxiliary, a modal, a contraction, a past form; a present "-s" after the opening.
_FINITE_EN = re.compile(
    r"\b(?:is|are|was|were|am|be|do|does|did|has|have|had|can|could|will|would|shall|should|may|might|must|"
    r"need|needs|let's)\b|\w['’](?:s|re|ve|ll|d|m)\b|n['’]t\b|\b\w{2,}ed\b|^\S+\s+(?:\S+\s+){0,3}\w{3,}s\b",
    re.IGNORECASE,
)

_GERUND_OPENING = re.compile(
    r"(?!(?:during|something|nothing|everything|anything|morning|evening|according|regarding|including|concerning|"
    r"considering|following|string|spring|bring|swing)\b)[A-Za-z]{3,}ing\b",
    re.IGNORECASE,
)


# An article straight before a word no noun can be ("we can a do with", "the of the"): a transcriber's garble, a
# sentence that no longer says what was said.
# Lower case only, and not after "the" or "this": "A and B", "if a is true", "the a of awk" name a talk's letters.
_GARBLED_EN = re.compile(
    r"(?<![&\w])(?<!the )(?<!this )(?:(?:a|an) (?:an|the|of|do|does|did|that|we|you|they|he|she)|"
    r"(?:the|The) (?:an|the|of|to|is|are|was|were|do|does|did|and|or|but|that|we|you|they|he|she))\b(?![-'’/])"
)


def garbled(text: str, lang: str) -> bool:
    """Words in an order no speaker says: what the transcriber heard is not what was meant."""
    return lang != "zh" and _GARBLED_EN.search(text) is not None


def _is_fragment_en(text: str) -> bool:
    """Broken off, unfinished, lowercase-started (a caption line cut mid-sentence), too short to mean much, garbled,
    or a phrase with no verb to stand on that opens on an "-ing" word ("Folding the dough over without tearing the top
    layer.": the speaker elaborating the sentence before)."""
    if text.endswith(("...", "…", "--", "—", "–")) or text[-1] not in '.!?"”)’':
        return True
    opening = text.lstrip("\"“‘'([")
    if _GERUND_OPENING.match(opening) and not _FINITE_EN.search(opening) or _GARBLED_EN.search(text):
        return True
    return (opening[:1].isalpha() and opening[:1].islower()) or len(_words(text)) < 5


def _is_fragment_zh(text: str) -> bool:
    """Too short, ending on a pause mark, or trailing off; a sentence ending on a character counts as whole."""
    if len(_CJK_CHAR.findall(text)) < 8 or text.endswith(("……", "...", "…")):
        return True
    last = text.rstrip(_CLOSERS)[-1:] or text[-1]
    if last in "，、；：,;:":
        return True
    return not (last in "。！？!?" or _CJK_CHAR.match(last) or last.isalnum())


_DANGLING_EN = frozenset(
    """a an the our your their my his her its this that these those with without to of for from
in on at by as than and or but nor if because while which who whose whom where when into onto about over under is are was
were be been will would can could should""".split()  # noqa: E501 - a word list: its line breaks are in the string
)
_DANGLING_ZH = tuple("的地得和与及或而在把被对从向让给是")


def broken_off(text: str, lang: str) -> bool:
    """Stops where no sentence can end ("…synchronized with our", "因为我们的"): a line cut off at a bound, not a
    point a reader could take away. Terminal punctuation does not rescue it."""
    bare = text.strip().rstrip("。！？!?.…\"”’')")
    if not bare:
        return True
    if lang == "zh":
        return bare.endswith(_DANGLING_ZH) or bare[-1] in "，、；：,;:"
    last = bare.split()[-1].strip("\"“”'‘’()[]").lower()
    return last in _DANGLING_EN or bare[-1] in ",;:-–—"


_PRONOUN_START_EN = re.compile(r"^(?:he|she|they|it|this|that|these|those|there)\b", re.I)
_PRONOUN_START_ZH = re.compile(r"^(?:这|那|他|她|它|其(?!实|他|次))")  # "其实" (in fact) points nowhere
_THIN_EN = frozenset(
    """he she they it this that these those there is are was were be been has have had do does did some any all
of to with for from on in at by as and or but so you your we our us them his her its what which more most about
shares share says said talks talk tells explains discusses describes covers mentions gives the a an audience
everyone""".split()  # noqa: E501 - a word list
)


def leans_on_pronoun(text: str, lang: str) -> bool:
    """Opens on "he", "they", "this", "这"…: alone (a bullet, a hook) the reader cannot tell who or what."""
    pattern = _PRONOUN_START_ZH if lang == "zh" else _PRONOUN_START_EN
    return bool(pattern.match(text.strip().strip("\"“”'‘’")))


# A stance the speaker opens with before their subject: "I'm sure it…", "I think they…", "Hopefully it's…".
_STANCE_EN = re.compile(
    r"^(?:(?:so|well|and|but),?\s+)?(?:i(?:'m| am) (?:sure|pretty sure|not sure)|i (?:think|guess|believe|bet|hope|"
    r"suppose|feel like)|hopefully|maybe|probably|honestly|of course|i(?:'d| would) (?:say|argue)|"
    r"you (?:can|could|might) (?:almost |even |probably )?say)(?: that)?,?\s+",
    re.IGNORECASE,
)
UNSURE = re.compile(
    r"\b(?:i'm|i am) not (?:totally |really |entirely |quite |a hundred percent )?sure\b|"
    r"\bi don't (?:really )?know\b|我不确定|不太确定|我也不知道",
    re.IGNORECASE,
)


def pronoun_subject(text: str, lang: str) -> bool:
    """Its subject is a pronoun the reader of a lone line cannot resolve, after any stance the speaker opens with
    ("I'm sure it will burn the crust."): who or what is "it"?"""
    bare = text.strip().strip("\"“”'‘’")
    if lang != "zh":
        bare = _STANCE_EN.sub("", bare, count=1)
    return leans_on_pronoun(bare, lang)


def vague(text: str, lang: str) -> bool:
    """A point that leans on what came before and says nothing itself ("He shares some of that with you.",
    "这很重要。"): a pronoun first and next to no words of its own. A reader sees it alone, in a bullet or a post."""
    bare = text.strip().strip("\"“”'‘’")
    if lang == "zh":
        return bool(_PRONOUN_START_ZH.match(bare)) and len(re.findall(r"[\u4e00-\u9fff]", bare)) < 12
    if not _PRONOUN_START_EN.match(bare):
        return False
    own = [word for word in re.findall(r"[a-z][a-z'’]+", bare.lower()) if word not in _THIN_EN and len(word) > 2]
    return len(own) < 2


_EN_LINK_BACK = re.compile(r"^(?:and|but|or|also|plus|and then|then|so then)\s*,?\s+(?=[\w\"“])", re.IGNORECASE)
_ZH_LINK_BACK = re.compile(
    r"^(?:而且|而是|而|但是|然而|所以|然后|另外|那么|不过|并且|因此|这说明|这表明|这意味着|也就是说)[，,]?"
)
# a relative clause, or a case only the sentence before set up ("In this case a queue and a heap.")
_RELATIVE_START_EN = re.compile(r"^(?:who|which|whose|whom|in (?:this|that) case|in (?:this|that) way)\b", re.I)


def paragraph_opening(text: str, lang: str) -> str | None:
    """The sentence as the first of a paragraph, where nothing comes before it: a linking word that points back
    ("And what got me…", "But it's…", "这说明…") goes; None when the sentence leans on a sentence the reader never
    saw ("It was great.", "Who was a designer…")."""
    pattern = _ZH_LINK_BACK if lang == "zh" else _EN_LINK_BACK
    opened = pattern.sub("", text.strip(), count=1)
    if lang != "zh" and opened != text.strip():
        opened = opened[:1].upper() + opened[1:]
    if not opened or vague(opened, lang) or _RELATIVE_START_EN.match(opened):
        return None
    return opened


def is_fragment(text: str, lang: str) -> bool:
    """Not a whole thought a reader could quote on its own; stage directions included."""
    text = text.strip()
    if not text or is_stage_direction(text):
        return True
    return _is_fragment_zh(text) if lang == "zh" else _is_fragment_en(text)


# ---------------------------------------------------------------------------------------------------------------
# Quotability
# ---------------------------------------------------------------------------------------------------------------

# The score of a whole sentence is the length fit times (base + every signal that fires), clipped to [0, 1].
# `make eval` may tune these; a signal counts once, except hedges, which cost for each one after the first.
WEIGHTS: dict[str, float] = {
    "base": 0.55,  # a whole sentence in the length window, nothing else known
    "number": 0.15,  # a figure: "from forty minutes to four", "3 倍"
    "claim": 0.15,  # a first-person lesson or a claim: "I learned", "the key", "because", "关键是"
    "contrast": 0.10,  # "but", "instead", "不是…而是"
    "question": -0.25,  # ends with "?": a pull quote states
    "conjunction_start": -0.15,  # "And", "So", "Because", "所以" lean on the sentence before
    "room_reference": -0.35,  # "this slide", "as you can see", "这张图": meaningless off stage
    "vague_opening": -0.10,  # "It", "This", "That", "They" first: who or what?
    "greeting": -0.30,  # "Thank you for...", "大家好"
    "signpost": -0.30,  # the talk about itself: "I'll be talking about", "my name is", "今天我要讲"
    "demo": -0.30,  # narrating a live demo: "Now we'll run it and pipe it through tar": nothing to read later
    "plug": -0.30,  # a plug or a bio line: "ping me on Slack", "we're hiring", "I work in IBM on the Node SDK"
    "promise": -0.15,  # the speaker's own next step: "I'll tweet the link": an aside, no point
    "definition": 0.10,  # "A stone oven is basically a heat battery": what a thing is
    "hedge": -0.08,  # per hedge after the first: "maybe I think it's sort of"
    "vague_words": -0.30,  # leans on "that", "this stuff", "it" for its meaning: empty out of context
    "leans_outside": -0.25,  # ends on a pointer ("…deeper than this.") or answers an unheard question ("You can't,")
    "remark_clause": -0.3,  # a clause said to the room inside the sentence ("…, and we have two more minutes!")
    "setup": -0.2,  # a belief the speaker held before the story corrected it ("I thought…", "我以为…"): no takeaway
    "deictic": -0.15,  # "this type", "these columns": points at something on the slide or said before
    "specific": 0.10,  # three or more long words: a technical, concrete sentence
    "slip": -0.25,  # a word said twice ("I work with with a"): speech, or a transcriber's slip, not a line to quote
    "length_edge": 0.6,  # length fit at the outer bounds of the window, 1 inside the best range
    "choppy": -0.35,  # six or more short pieces between commas: a run of speech, not a sentence to quote
    "general": 0.10,  # said of anyone ("If you…", "Developers…", "Most of us…"): a reader can take it as theirs
    "anchored": -0.10,  # opens on the speaker's own thing ("Our invariant…", "My script…"): named somewhere before
}
CHOPPY = (6, 5)  # pieces, words a piece: "hash what you read, hash what you write, and…" is a list, not a run
# Words (English) or characters (Chinese): outer lower bound, best range, outer upper bound.
LENGTH_WINDOW = {"en": (7, 10, 35, 50), "zh": (10, 15, 70, 100)}

_SIGNALS = {
    "en": {
        "number": r"\d|\b(?:hundred|thousand|million|billion|trillion|percent|twice|half|double|triple|dozen|ten|"
        r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b",
        "claim": r"\bI (?:learned|learnt|realized|realised|found out|discovered|figured out)\b|\bwe (?:learned|learnt|"
        r"realized|realised|discovered)\b|\bthe (?:lesson|key|secret|trick|point|truth)\b|\bwhat matters\b|"
        r"\byou should\b|\bnever\b|\balways\b|\bthe most\b|\bthe problem is\b|\bbecause\b|\bturns out\b",
        "contrast": r"\bbut\b|\binstead\b|\brather than\b|\bhowever\b|\bwhereas\b",
        "conjunction_start": r"^(?:and|but|so|or|because|also|plus|then|um|uh|like|well|okay|ok|yeah|right)\b",
        "room_reference": r"\b(?:this|that|the|next|previous) slide\b|"
        r"^(?:(?:and|so|now),? )?(?:this|that|here) is (?:really |actually |just )?(?:the|my|our) (?:code|slide|"
        r"diagram|graph|chart|output|result|screen|demo|terminal)\b|\bover (?:here|there)\b|\bas you can see\b|"
        r"\byou can see (?:here|this|that)\b|\bthis (?:picture|image|diagram|graph|chart|photo)\b|"
        r"\bhere's\b|\bhere is\b|\b(?:up|down|right) here\b|\bon the screen\b|\blike this\b|"
        r"\b(?:table|booth|stand|stall) (?:set up|over there|in the corner|at the back|outside)\b|"
        r"\bin the (?:corner|back of the room|hallway|lobby)\b|"
        r"^(?:(?:and|so|now),? )?you(?:'ll| will) see (?:that|how|what|we|i|here|this|it)\b|"
        r"\b(?:the|a|this) (?:false|true|left|right|first|second|last|top|bottom) (?:column|row|box|panel)\b",
        "vague_opening": r"^(?:(?:and|but|so|or)\s+)?(?:it|this|that|they|these|those)\b",  # "So this happens…"
        "greeting": r"^(?:hi|hello|hey|good (?:morning|afternoon|evening)|welcome|thank you|thanks(?! to))\b",
        "signpost": r"\bmy name is\b|^(?:\w+ )?i'm [A-Z]\w+ and\b|\bi(?:'ll| will) be (?:talking|speaking)\b|"
        r"^(?:(?:so|now|okay|ok|and),? )?let's (?:take a (?:quick )?look|look|have a look|see what|focus|disregard|"
        r"(?:now )?talk about|turn to|"
        r"ignore|skip|move on|go back|dive|get (?:into|started))\b|\b(?:we|i) (?:haven't|have not) (?:talked|spoken)\b|"
        r"\b(?:my|the|this) (?:official )?talk(?:'s)? title\b|"
        r"\b(?:another|an earlier|the (?:last|previous|next|first|keynote)) talk\b|"
        r"\b(?:i|we) (?:don't|do not) (?:have|need) to (?:talk|go) (?:about|into|through)\b|"
        r"\b(?:today |here )?(?:i(?:'m going to| want to| wanna|'m gonna|'m here to|'d like to|'ll| will)|let me) "
        r"(?:start|begin|skip|mention|show|demo|play|do it|talk|speak|tell you|"
        r"concentrate|focus|show you|walk you)\b|\bin this talk\b|"
        r"\b(?:this|my) talk is (?:called|(?:\w+ ){0,4}about)\b|"
        r"\bmy talk is\s*[\"“]|\bthe title of (?:my|this|the) talk\b|\bthis (?:post|article|transcript)\b|"
        r"\b(?:today,? )?we(?:'re| are) (?:going to|gonna) (?:see|talk|look|learn|cover|discuss|explore|go)\b|"
        r"\b(?:i|we) promised\b|\bwhat i promised\b|\btalk proposal\b|\bin (?:my|this) (?:talk|presentation)\b|"
        r"\b(?:i|we)(?:'d| would)? (?:want(?:ed)?|like|wish) to share\b|"
        r"\bshare (?:\w+ ){0,4}with (?:you|y'all|everyone)\b|"
        r"\bthis (?:is|will be) (?:\w+ ){0,3}(?:a|an|my) (?:\w+ )?(?:narrative|overview|introduction|tour)\b|"
        r"\bhopefully,? you(?:'ll| will)? (?:get|take away|learn|walk away)\b|"
        r"\blive demo\b|\b(?:show|play) you (?:some|a few|two|three|a couple of|\w+ quick) (?:\w+ )?(?:videos?|clips?|"
        r"demos?|examples?)\b|\braise (?:your|of) hands?\b",
        "plug": r"\b(?:ping|email|e-mail|contact|find|follow|dm|tweet at|reach) (?:me|us)\b|\breach out\b|"
        r"\bwe(?:'re| are) hiring\b|\b(?:come|stop) by (?:our|the|my) booth\b|\bslack (?:channel|workspace)\b|"
        r"^(?:so,? )?(?:i|we) (?:work|worked) (?:at|in|for|on)\b|\bmy (?:job|role|title) is\b|"
        r"\bi'm (?:a|an|the) (?:\w+ ){0,3}(?:engineer|developer|manager|lead|advocate|founder|ceo|cto)\b",
        "promise": r"\bi(?:'ll| will)\b(?! never)",
        "definition": r"^(?:[a-z][\w-]* ){1,4}(?:is|are) (?:a|an|the|basically|really|just|almost|all about|not)\b",
        "demo": r"^(?:(?:now|so|and|okay|ok|then),?\s+)?(?:(?:we|i)(?:'ll| will|'re going to| are going to|'m going to|"
        r"'m gonna| am going to| can)|let's|let me|you) (?:just )?(?:run|type|pipe|paste|copy|cd|cat|compile|execute|"
        r"open|click|hit|switch|save|scroll|zoom|go back|go ahead and)\b|\blet's do (?:it|this|that)[.!]?$",
        "hedge": r"\b(?:maybe|perhaps|probably|possibly|somewhat|kinda|sorta|might|i think|i guess|i suppose|"
        r"sort of|kind of|a little bit|i don't know|not sure|basically|i feel like)\b",
        "leans_outside": r"\b(?:this|that|these|those|here|there)[.!]?[\"”’']*$|"
        r"^(?:(?:no|yes|yeah|well),?\s+)?(?:you|we|i|it|they|he|she|that)\s+(?:can(?:'t|not)?|could(?:n't)?|"
        r"do(?:n't)?|does(?:n't)?|did(?:n't)?|will|won't|would(?:n't)?|is(?:n't)?|are(?:n't)?|was(?:n't)?)\s*[,.;:!]|"
        # a verb left for the sentence before to fill in ("I thought that I wasn't, because…", "when I did this was…")
        r"\b(?:that|because|if|when|but)\s+(?:you|we|i|it|they|he|she)\s+(?:can't|cannot|couldn't|don't|doesn't|"
        r"didn't|won't|wouldn't|isn't|aren't|wasn't|weren't|do|did|was|were)\s*[,;:]|"
        r"\b(?:do|does|did|doing|done) (?:this|that)\b(?=\s*(?:[,.;!?]|$|(?:was|is|were|and|but|so|because)\b))",
        "deictic": r"\b(?:this|these|those) (?!(?:is|was|are|were|means?|way|time|point|one|all)\b)[a-z]{3,}\b",
        "setup": r"\bI (?:thought|assumed|believed|figured|expected|used to think)\b|\bI was like\b|"
        r"\bmy (?:naive|first) (?:view|idea|thought|guess)\b",
        "slip": r"\b(?!(?:that|had|is|very|no|bye|so|ha)\b)([a-z]+) \1\b",
        "general": r"^(?:(?:and|but|so),? )?(?:(?:if|when|once|unless) )?(?:you|your|anyone|anybody|everyone|everybody|"
        r"nobody|no one|people|developers|programmers|engineers|teams|most of us|all of us)\b",
        "anchored": r"^(?:(?:and|but|so|then|now),? )?(?:our|my) (?!own\b|(?:\w+ )?(?:is|was|are|were)\b)[a-z]+",
    },
    "zh": {
        "number": r"\d|[零一二两三四五六七八九十百千万亿半几]+(?:倍|成|%|个百分点|万|亿|千|百|年|个月|天|小时|分钟|"
        r"次|位|名|元|块|美元|人)|百分之",
        "claim": r"我发现|我意识到|我学到|我认为|关键是|关键在于|最重要|其实|因为|所以|本质上|核心是|秘诀|真正的|"
        r"一定要|永远|从来不|千万(?:不要|别)",
        "contrast": r"不是.{1,30}?而是|但是|但|然而|而是|却|反而|相反|不过",
        "conjunction_start": r"^(?:而且|而|但是|但|然而|所以|因为|然后|或者|还有|那么|那|另外|就是|嗯|啊|呃|并且|不过)",
        "room_reference": r"这张图|这一页|这页|这张幻灯片|这张片子|PPT|如图|屏幕上|大家(?:可以)?看(?:一下|到)|你们看|"
        r"上图|下图|上述|上面(?:的|提到)|如上|前面(?:提到|说)的",
        "vague_opening": r"^(?:(?:所以|但是|而且|然后)[，,]?)?(?:这个|那个|这些|那些|这样|这|那|它们|它|他们|她们)",
        "greeting": r"^(?:大家好|各位好|你们好|谢谢|感谢|欢迎)",
        "signpost": r"我叫|我的名字是|今天(?:我)?(?:要|想|来)?(?:跟大家|和大家|给大家)?(?:讲|聊|分享|介绍)"
        r"|这次(?:演讲|分享)(?:的主题)?是|本文|本篇|本场|本次(?:直播|分享|演讲)|直播回顾|整理而成",
        "hedge": r"可能|也许|大概|或许|好像|我觉得|我感觉|差不多|估计|似乎|应该",
        "leans_outside": r"(?:这样|这个|那个|这些|那些|这里|那里)[。！!]?[”’」]*$",
        "deictic": r"这种|上述|前述|上面(?:提到|说)的|该(?=[\u4e00-\u9fff]{1,3}(?:的|是|在|可以|需要))|"
        r"(?:这|那)(?:个|些)(?=问题|程序|方法|方案|功能|模型|项目|工具|技术|场景|例子|思路|过程|框架|系统|东西)",
        "setup": r"我以为|我原以为|本来以为|我一直以为|原本以为",
        "demo": r"^(?:现在|然后|接下来)?(?:我们|我)(?:来|先|再)?(?:运行|执行|打开|点击|输入|切换到|敲)(?:一下)?",
    },
}
_VAGUE = {"it", "it's", "this", "that", "that's", "these", "those", "stuff", "thing", "things", "there", "here"}
_SIGNAL_PATTERNS = {
    lang: {name: re.compile(pattern, re.IGNORECASE) for name, pattern in signals.items()}
    for lang, signals in _SIGNALS.items()
}


def _length_fit(length: int, lang: str) -> float:
    """1 inside the best range, falling to WEIGHTS["length_edge"] at the outer bounds, then further beyond them."""
    low, best_low, best_high, high = LENGTH_WINDOW[lang]
    edge = WEIGHTS["length_edge"]
    if best_low <= length <= best_high:
        return 1.0
    if length < best_low:
        if length < low:
            return edge * length / low
        return edge + (1 - edge) * (length - low) / (best_low - low)
    if length > high:
        return edge * high / length
    return 1 - (1 - edge) * (length - best_high) / (high - best_high)


# a sentence that opens a parenthesis or closes one it never opened: the speaker's aside, beside the point
ASIDE = re.compile(r"^\s*[\"“‘']?[(（]|^[^(（]*[)）][\"”’']?\s*[.!?。！？]?\s*$")


ABOUT_THE_PAGE = re.compile(r"本文|本篇文章|直播回顾|整理而成|\bthis (?:post|article|transcript) (?:is|was)\b", re.I)


def _signal_sum(text: str, lang: str) -> float:
    """The weights of the signals that fire; the start-of-sentence ones look past opening quotes."""
    patterns = _SIGNAL_PATTERNS[lang]
    stripped = text.strip().lstrip("\"“‘'([")
    total = 0.0
    for name, pattern in patterns.items():
        if name == "hedge":
            total += WEIGHTS["hedge"] * max(0, len(pattern.findall(stripped)) - 1)
        elif pattern.search(stripped):
            total += WEIGHTS[name]
    if text.strip().rstrip(_CLOSERS).endswith(("?", "？")):
        total += WEIGHTS["question"]
    remark = _ZH_REMARK if lang == "zh" else _EN_REMARK
    clauses = _clauses(STAGE_DIRECTION.sub(" ", text), lang)
    if len(clauses) > 1 and any(remark.fullmatch(clause) for clause in clauses):
        total += WEIGHTS["remark_clause"]
    if lang != "zh":
        words = _words(stripped)
        vague = sum(1 for word in words if word.lower().strip(".,!?;:'\"") in _VAGUE)
        total += WEIGHTS["vague_words"] if words and vague / len(words) >= 0.15 else 0.0
        total += WEIGHTS["specific"] if sum(len(word.strip(".,!?;:")) >= 8 for word in words) >= 3 else 0.0
        pieces = [piece for piece in re.split(r"[,;—]|--", stripped) if piece.strip()]
        if len(pieces) >= CHOPPY[0] and len(words) / len(pieces) < CHOPPY[1]:
            total += WEIGHTS["choppy"]  # "…and the baker says, well, rye, 1912, 1915, the old oven, the worst,…"
    return total


def signposts(text: str, lang: str) -> bool:
    """The talk about itself ("That is my talk title", "今天我要讲…"), not about its subject."""
    return (
        _SIGNAL_PATTERNS["zh" if lang == "zh" else "en"]["signpost"].search(text.strip().lstrip("\"“‘'([")) is not None
    )


def points_outside(text: str, lang: str) -> bool:
    """The sentence needs what the reader of a post cannot see: the slide ("this top row of buttons", "上图"), the
    room ("a table in the corner"), or a sentence before it ("…deeper than this.")."""
    patterns = _SIGNAL_PATTERNS["zh" if lang == "zh" else "en"]
    stripped = text.strip().lstrip("\"“‘'([")
    return any(
        name in patterns and patterns[name].search(stripped) for name in ("room_reference", "deictic", "leans_outside")
    )


def quotability(text: str, lang: str, prose: bool = False) -> float:
    """How well a sentence stands alone as a pull quote, 0 to 1: 0 for what no reader should see quoted
    (fragments, stage directions, furniture, remarks to the room, URLs), else length fit times the signals in
    WEIGHTS. Score the text as a reader would see it, so pass `clean(...)` output for a draft's quote. In `prose`
    (a paragraph of the blog) a long sentence is no fault: only a short one is."""
    text = text.strip()
    if is_fragment(text, lang) or is_furniture(text, lang) or is_remark_to_room(text, lang) or _URL.search(text):
        return 0.0
    if STAGE_DIRECTION.search(text):  # "John Meta (phonetic) who…": the transcriber's note would be quoted too
        return 0.0
    if ASIDE.search(text):  # "(In practice we use another macro… Don't worry about that.)": beside the point
        return 0.0
    if ABOUT_THE_PAGE.search(text):  # "本文根据…直播整理": the editor's note on where the text came from
        return 0.0
    length = _zh_length(text) if lang == "zh" else len(_words(text))
    fit = 1.0 if prose and length > LENGTH_WINDOW[lang][2] else _length_fit(length, lang)
    score = fit * (WEIGHTS["base"] + _signal_sum(text, lang))
    return round(min(1.0, max(0.0, score)), 3)
