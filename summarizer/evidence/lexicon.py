"""Word lists the grounding engine reasons with: negation cues, antonyms, aliases, irregular verbs.

Plain data, no logic beyond building lookup tables. The lists are general English (and common
news names), not tuned to any data set: an antonym pair is here because the two words cannot
both be true of the same thing, an alias because the two names denote the same thing.
"""

from __future__ import annotations

#: Words and word endings that flip the polarity of the clause they stand in.
NEGATION_WORDS = frozenset("""not no never none nobody nothing neither nor without cannot
    failed fails fail refused refuses refuse denied denies deny unable lacks lacked""".split())
#: Two-word cues ("no longer") are covered by their first word; n't is handled by the tokenizer.

#: Verbs that report rather than assert; they are neither content nor polarity.
REPORTING = frozenset("""said says say told tells stated states reported reports according added
    announced claimed claims claim noted explained confirmed""".split())

#: Words that organise a summary rather than state a fact (never required to be supported).
DISCOURSE = frozenset("""also however meanwhile finally furthermore moreover additionally addition
    later then still yet already both either instead whereas whilst although though thus therefore
    hence overall currently recently eventually subsequently including further
    respectively accordingly namely especially particularly approximately roughly nearly almost
    around about some several many much more most less least few other another others such
    among amid well just even way ways like unlike since due order hand time times fact amount extent
    """.split())

#: Hedges before a number: the claim then states it approximately.
HEDGES = frozenset("about around nearly almost approximately roughly some over more than up to least "
                   "estimated estimate close under below above".split())

#: Pairs of words that cannot both hold of the same thing (compared by stem, both directions).
ANTONYM_PAIRS = [
    ("win", "lose"), ("won", "lost"), ("victory", "defeat"), ("winner", "loser"),
    ("rise", "fall"), ("rose", "fell"), ("increase", "decrease"), ("increased", "decreased"),
    ("gain", "loss"), ("grow", "shrink"), ("expand", "contract"), ("raise", "lower"),
    ("higher", "lower"), ("more", "fewer"), ("larger", "smaller"), ("largest", "smallest"),
    ("biggest", "smallest"), ("above", "below"), ("maximum", "minimum"),
    ("include", "exclude"), ("included", "excluded"), ("accept", "reject"), ("accepted", "rejected"),
    ("approve", "reject"), ("approved", "rejected"), ("allow", "ban"), ("allowed", "banned"),
    ("permit", "forbid"), ("legal", "illegal"), ("guilty", "innocent"), ("convicted", "acquitted"),
    ("support", "oppose"), ("supported", "opposed"), ("agree", "disagree"), ("confirm", "deny"),
    ("confirmed", "denied"), ("admit", "deny"), ("success", "failure"), ("succeeded", "failed"),
    ("successful", "unsuccessful"), ("opened", "closed"), ("alive", "dead"),
    ("survived", "died"), ("arrest", "release"), ("arrested", "released"), ("capture", "release"),
    ("captured", "released"), ("detained", "freed"), ("start", "end"), ("began", "ended"),
    ("begin", "finish"), ("early", "late"), ("earlier", "later"),
    ("strong", "weak"), ("stronger", "weaker"), ("rich", "poor"),
    ("cheap", "expensive"), ("true", "false"), ("possible", "impossible"), ("likely", "unlikely"),
    ("able", "unable"), ("safe", "dangerous"), ("peace", "war"), ("friend", "enemy"),
    ("buy", "sell"), ("bought", "sold"), ("import", "export"), ("borrow", "lend"),
    ("advance", "retreat"), 
    ("join", "quit"), ("hire", "fire"), ("appoint", "dismiss"), ("elected", "defeated"),
    ("lift", "impose"), ("lifted", "imposed"), 
    ("public", "private"), ("domestic", "foreign"), ("male", "female"), ("man", "woman"),
    ("men", "women"), ("north", "south"), ("east", "west"), ("northern", "southern"),
    ("eastern", "western"), ("northeast", "northwest"), ("northeast", "southeast"),
    ("northwest", "southwest"), ("southeast", "southwest"), ("northeastern", "northwestern"),
    ("northeastern", "southeastern"), ("northwestern", "southwestern"), ("southeastern", "southwestern"),
    
    ("visible", "invisible"), ("inside", "outside"), ("internal", "external"),
    ("optimistic", "pessimistic"), ("positive", "negative"), ("praise", "criticise"),
    ("praised", "criticised"), ("praised", "criticized"), ("welcome", "condemn"),
    ("welcomed", "condemned"), ("ahead", "behind"), ("lowest", "highest"),
    ("easy", "difficult"), ("simple", "complex"), ("minority", "majority"),
]

#: Two-word predicates with a one-word opposite ("left out" vs "included").
PHRASE_ANTONYMS = [
    (("left", "out"), "included"), (("leave", "out"), "include"), (("left", "out"), "include"),
    (("pulled", "out"), "joined"), (("called", "off"), "held"), (("turned", "down"), "accepted"),
    (("set", "free"), "detained"), (("let", "go"), "held"),
]

#: Different names of the same thing; each group maps to its first entry.
ALIAS_GROUPS = [
    ("united states", "us", "usa", "america", "american", "americans", "u.s.", "u.s.a."),
    ("united kingdom", "uk", "britain", "great britain", "british", "briton", "britons", "u.k."),
    ("united nations", "un", "u.n."),
    ("european union", "eu", "e.u."),
    ("soviet union", "ussr"),
    ("kharkiv", "kharkov"), ("kyiv", "kiev"), ("odesa", "odessa"), ("mumbai", "bombay"),
    ("beijing", "peking"), ("myanmar", "burma"), ("chennai", "madras"), ("kolkata", "calcutta"),
    ("gaddafi", "qaddafi", "kadhafi"), ("al qaeda", "al-qaeda", "al qaida", "alqaeda"),
    ("netherlands", "holland", "dutch"), ("germany", "german", "germans"),
    ("france", "french"), ("china", "chinese"), ("japan", "japanese"), ("spain", "spanish"),
    ("switzerland", "swiss"), ("sweden", "swedish"), ("denmark", "danish"), ("poland", "polish"),
    ("turkey", "turkish"), ("greece", "greek"), ("wales", "welsh"), ("scotland", "scottish", "scot"),
    ("ireland", "irish"), ("england", "english"), ("thailand", "thai"), ("israel", "israeli"),
    ("pakistan", "pakistani"), ("iraq", "iraqi"), ("kuwait", "kuwaiti"), ("yemen", "yemeni"),
    ("bangladesh", "bangladeshi"), ("saudi arabia", "saudi"), ("philippines", "filipino"),
    ("new zealand", "kiwi"), ("metropolitan police", "met", "scotland yard"),
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"),
    ("president bush", "george w. bush", "george bush"),
]

#: Irregular verb forms to their base form, so "took" matches "take" and "fell" matches "fall".
IRREGULAR = {
    "was": "be", "were": "be", "been": "be", "is": "be", "are": "be", "am": "be",
    "had": "have", "has": "have", "did": "do", "does": "do", "done": "do",
    "went": "go", "gone": "go", "goes": "go", "took": "take", "taken": "take", "gave": "give",
    "given": "give", "made": "make", "came": "come", "saw": "see", "seen": "see", "knew": "know",
    "known": "know", "got": "get", "gotten": "get", "found": "find", "thought": "think",
    "told": "tell", "said": "say", "became": "become", "left": "leave", "felt": "feel",
    "brought": "bring", "began": "begin", "begun": "begin", "kept": "keep", "held": "hold",
    "wrote": "write", "written": "write", "stood": "stand", "heard": "hear", "meant": "mean",
    "met": "meet", "ran": "run", "paid": "pay", "sat": "sit", "spoke": "speak", "spoken": "speak",
    "lay": "lie", "led": "lead", "grew": "grow", "grown": "grow", "lost": "lose", "fell": "fall",
    "fallen": "fall", "sent": "send", "built": "build", "understood": "understand", "drew": "draw",
    "drawn": "draw", "broke": "break", "broken": "break", "spent": "spend", "rose": "rise",
    "risen": "rise", "drove": "drive", "driven": "drive", "bought": "buy", "wore": "wear",
    "chose": "choose", "chosen": "choose", "sought": "seek", "threw": "throw", "thrown": "throw",
    "caught": "catch", "dealt": "deal", "won": "win", "fought": "fight", "shot": "shoot",
    "struck": "strike", "hit": "hit", "sold": "sell", "fled": "flee", "hung": "hang",
    "stole": "steal", "stolen": "steal", "flew": "fly", "flown": "fly", "ate": "eat",
    "forgave": "forgive", "froze": "freeze", "hid": "hide", "hidden": "hide", "bore": "bear",
    "born": "bear", "swore": "swear", "sworn": "swear", "shook": "shake", "woke": "wake",
    "sank": "sink", "sunk": "sink", "blew": "blow", "blown": "blow", "slept": "sleep",
    "taught": "teach", "withdrew": "withdraw", "withdrawn": "withdraw", "overthrew": "overthrow",
    "undertook": "undertake", "died": "die", "dies": "die", "dying": "die", "lying": "lie", "news": "news",
    "tied": "tie", "lied": "lie", "series": "series", "species": "species", "uses": "use", "used": "use", "arose": "arise", "forbade": "forbid", "killed": "kill",
    "men": "man", "women": "woman", "children": "child", "people": "person", "mice": "mouse",
    "lives": "life", "wives": "wife", "feet": "foot", "teeth": "tooth",
}

WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
MONTHS = ("january february march april may june july august september october november "
          "december").split()
MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
