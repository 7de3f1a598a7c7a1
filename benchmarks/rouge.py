"""ROUGE of the extractive backend vs Lead, LexRank, TextRank and Centroid on the local news clusters.

Run by hand from the repo root:  python benchmarks/rouge.py [--data PATH] [--markdown]

Data: the MultiLing 2011 Wikinews sample (``../shared/evaldata/multiling2011_wikinews.jsonl``): 3
clusters of 10 articles, 3 human references of ~250 words each. Every system gets the same input
sentences (the cleaned content sentences ``prepare`` finds: junk lines left out for all), every
summary is cut to the cluster's mean reference length in words, and ROUGE-1/2/L F1 (rouge-score,
Porter stemming) is averaged over the three references. One run; everything is deterministic.

* **ours**: ``summarizer`` extractive backend with ``words`` = the reference length.
* **Lead**: the documents' first sentences, first document first.
* **LexRank**, **TextRank**: sumy's implementations (``pip install sumy``), sentences in
  descending rating order.
* **Centroid**: written here (Radev et al. 2004 without the position/overlap features): TF-IDF
  cosine of each sentence to the centroid of all of them, best first, a sentence closer than 0.7
  to one already taken skipped.

Then ``--focus``: each cluster's topic phrased as a question (below, written for this benchmark
from the cluster topics, not from the references), ours with and without it.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from summarizer.config.options import SummaryOptions  # noqa: E402
from summarizer.contract.documents import Document  # noqa: E402
from summarizer.evals.scores import lead_summary, rouge  # noqa: E402
from summarizer.evidence.textstats import content_words  # noqa: E402
from summarizer.pipeline import summarize_sync  # noqa: E402
from summarizer.prepare.corpus import prepare  # noqa: E402

DATA = REPO.parent / "shared" / "evaldata" / "multiling2011_wikinews.jsonl"
QUESTIONS = {
    "multiling2011-M000": "How much money did governments and people give for the tsunami relief?",
    "multiling2011-M001": "Who carried out the London bombings, and how many people were killed?",
    "multiling2011-M002": "Why did Iran seize the British sailors and marines, and how were they freed?",
}
_WORD = re.compile(r"\w+", re.UNICODE)


def cut(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def content_sentences(docs: list[Document]) -> list[str]:
    corpus = prepare(docs)
    return [corpus.texts[d.id][s.start : s.end] for d in corpus.documents for s in corpus.sentences[d.id] if s.junk is None]


def ours(docs: list[Document], words: int, focus: str | None = None) -> str:
    result = summarize_sync(docs, SummaryOptions(backend="extractive", words=words, focus=focus, find_conflicts=False))
    return " ".join(s.text for s in result.consolidated)


def centroid(sentences: list[str], words: int) -> str:
    bags = [Counter(content_words(s)) for s in sentences]
    df = Counter(w for bag in bags for w in bag)
    n = len(bags)
    vecs = []
    for bag in bags:
        v = {w: (1 + math.log(c)) * math.log((n + 1) / (df[w] + 0.5)) for w, c in bag.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({w: x / norm for w, x in v.items()})
    center: Counter = Counter()
    for v in vecs:
        center.update(v)
    norm = math.sqrt(sum(x * x for x in center.values())) or 1.0

    def cos(a: dict, b: dict) -> float:
        return sum(x * b.get(w, 0.0) for w, x in a.items())

    ranked = sorted(range(n), key=lambda i: -sum(x * center[w] / norm for w, x in vecs[i].items()))
    return _take(ranked, sentences, words, vecs, cos)


def _take(ranked, sentences, words, vecs=None, cos=None) -> str:
    out, taken, total = [], [], 0
    for i in ranked:
        if vecs is not None and any(cos(vecs[i], vecs[j]) > 0.7 for j in taken):
            continue
        out.append(sentences[i])
        taken.append(i)
        total += len(sentences[i].split())
        if total >= words:
            break
    return cut(" ".join(out), words)


class _Words:
    """The word tokenizer sumy's models need (sentences are ours: no NLTK punkt data needed)."""

    language = "english"

    def to_words(self, text: str) -> list[str]:
        return _WORD.findall(text)

    def to_sentences(self, text: str) -> list[str]:
        return [text]


def sumy_ranked(kind: str, sentences: list[str], words: int) -> str:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    base = LexRankSummarizer if kind == "lexrank" else TextRankSummarizer

    class Ranked(base):  # type: ignore[misc, valid-type]
        """sumy's summarizer, keeping the ratings it computes (it returns the best in text order)."""

        def _get_best_sentences(self, sentences, count, rating, *args, **kwargs):
            self.ratings = rating
            return super()._get_best_sentences(sentences, count, rating, *args, **kwargs)

    tok = _Words()
    doc = ObjectDocumentModel([Paragraph([Sentence(s, tok) for s in sentences])])
    summarizer = Ranked(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    summarizer(doc, 1)
    ratings = summarizer.ratings
    order = sorted(range(len(doc.sentences)), key=lambda i: -ratings[doc.sentences[i]])
    return _take(order, sentences, words)


SYSTEMS = ["ours", "Lead", "LexRank", "TextRank", "Centroid"]


def run(data: Path) -> tuple[dict, dict]:
    scores: dict[str, dict[str, dict[str, float]]] = {s: {} for s in SYSTEMS}
    focus: dict[str, dict[str, float]] = {}
    for line in data.read_text(encoding="utf-8").splitlines():
        cluster = json.loads(line)
        docs = [Document(d["id"], d["text"], d.get("title", "")) for d in cluster["documents"]]
        refs = [r["text"] for r in cluster["all_reference_summaries"]]
        words = round(sum(len(r.split()) for r in refs) / len(refs))
        sentences = content_sentences(docs)
        summaries = {
            "ours": cut(ours(docs, words), words),
            "Lead": lead_summary(prepare(docs), words),
            "LexRank": sumy_ranked("lexrank", sentences, words),
            "TextRank": sumy_ranked("textrank", sentences, words),
            "Centroid": centroid(sentences, words),
        }
        for system, text in summaries.items():
            scores[system][cluster["id"]] = rouge(text, refs)
        question = QUESTIONS.get(cluster["id"])
        if question:
            focused = rouge(cut(ours(docs, words, question), words), refs)
            focus[cluster["id"]] = {"question": question, "without": scores["ours"][cluster["id"]]["rouge1"],
                                    "with": focused["rouge1"]}
    return scores, focus


def table(scores: dict, focus: dict) -> str:
    lines = ["| system | R1 | R2 | RL | R1 per cluster (M000 / M001 / M002) |", "|---|---:|---:|---:|---|"]
    for system, per in scores.items():
        mean = {k: sum(v[k] for v in per.values()) / len(per) for k in ("rouge1", "rouge2", "rougeL")}
        clusters = " / ".join(f"{v['rouge1']:.3f}" for v in per.values())
        lines.append(f"| {system} | {mean['rouge1']:.3f} | {mean['rouge2']:.3f} | {mean['rougeL']:.3f} | {clusters} |")
    lines += ["", "| cluster | focus (question) | R1 without | R1 with | delta |", "|---|---|---:|---:|---:|"]
    for cid, f in focus.items():
        lines.append(f"| {cid} | {f['question']} | {f['without']:.3f} | {f['with']:.3f} | {f['with'] - f['without']:+.3f} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args()
    if not args.data.exists():
        print(f"rouge.py: {args.data} not found (the MultiLing 2011 sample, see docs/benchmarks.md)", file=sys.stderr)
        return 2
    print(table(*run(args.data)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
