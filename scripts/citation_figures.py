"""How well the legal-basis parser reads real citations.

Runs a parser over tests/data/citations.json (every distinct 法律依据 cell of the real Jiangmen
discretion standard, every distinct 实施依据 cell of the demo inventories, real article texts of
national laws cited catalog-style, and province-catalog patterns) and prints:

- citations: the bases a legal officer reads in the texts (title + article as expected);
- titles found: expected bases whose title the parser found;
- articles found: expected bases with an article whose title and article the parser found
  (and, separately, with paragraph and item too);
- spurious bases: bases the parser returns whose title/article is not in the expected set of
  that text (an invented basis, e.g. from quoted text 违反本条例第二十三条), including bases
  without title in texts that have one (each would be a false "no title" error);
- continuations: texts that continue the basis above them (merged ranges) recognised by
  `continues_previous`, when the parser module has it.

    python scripts/citation_figures.py                      # the parser in powers/legal.py
    python scripts/citation_figures.py --parser /tmp/legal_before.py   # another version of it
    python scripts/citation_figures.py --json --misses      # machine-readable / list the misses
    python scripts/citation_figures.py --laws /tmp/laws     # also: every article of the national
        # law texts (../shared/laws, unpacked) that names a law, 本法/本条例 or an article, cited
        # catalog-style as 【法律】《title》第N条：<its text>; the only right answer is that one basis
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "citations.json"


def load_parser(path: str | None):
    sys.path.insert(0, str(ROOT))
    if not path:
        import powers.legal as mod

        return mod
    # a parser file from another version (git show REV:powers/legal.py > /tmp/x.py): load it as a
    # module of the package so its relative imports resolve
    spec = importlib.util.spec_from_file_location("powers._legal_under_test", path,
                                                  submodule_search_locations=None)
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "powers"
    import powers  # noqa: F401

    spec.loader.exec_module(mod)
    return mod


def _norm(t: str | None) -> str | None:
    return None if t is None else "".join(t.split()).replace("〈", "《").replace("〉", "》")


def measure(mod, cases: list[dict]) -> tuple[dict, list[str]]:
    fig = dict(texts=len(cases), citations=0, citations_with_article=0, titles_found=0, articles_found=0,
               full_found=0, spurious=0, continuations=0, continuations_recognised=0)
    misses: list[str] = []
    cont_fn = getattr(mod, "continues_previous", None)
    for case in cases:
        bases = mod.parse_bases(case["text"])
        got = [(_norm(b.title), b.article, b.paragraph, b.item) for b in bases]
        expect = [(_norm(t), a, p, i) for t, a, p, i in case["expect"]]
        if case.get("continuation"):
            fig["continuations"] += 1
            if cont_fn and cont_fn(case["text"]):
                fig["continuations_recognised"] += 1
            else:
                misses.append(f"continuation not recognised: {case['source']}")
            # alone it has no title; a titleless basis is what it is, not an invented one
            expect_pairs = {(None, None)}
        else:
            expect_pairs = {(t, a) for t, a, _, _ in expect}
        for e in expect:
            fig["citations"] += 1
            fig["citations_with_article"] += e[1] is not None
            if any(g[0] == e[0] for g in got):
                fig["titles_found"] += 1
            else:
                misses.append(f"title missed {e[0]}: {case['source']}")
            if e[1] is not None:
                if any(g[:2] == e[:2] for g in got):
                    fig["articles_found"] += 1
                else:
                    misses.append(f"article missed {e[0]} {e[1]}: {case['source']}")
            if e in got or case.get("loose") and any(g[:2] == e[:2] for g in got):
                fig["full_found"] += 1
        for g in got:
            if (g[0], g[1]) not in expect_pairs:
                fig["spurious"] += 1
                misses.append(f"spurious {g[0]} {g[1]}: {case['source']}")
    return fig, misses


_ART = "一二三四五六七八九十百千零"


def law_cases(folder: str) -> list[dict]:
    """Each article of the law texts whose text names a law, this law or an article, cited the way
    catalogs do; expected: exactly the cited law and article (the quote must add nothing)."""
    import re

    out = []
    for f in sorted(Path(folder).glob("*/*.md")):
        txt = f.read_text("utf-8")
        m = re.search(r"^# (.+)$", txt, re.M)
        if not m:
            continue
        title = m.group(1).strip()
        body = txt.split("<!-- INFO END -->")[-1]
        for a in re.split(rf"\n(?=第[{_ART}]+条(?:之[{_ART}]+)? )", body):
            mm = re.match(rf"第([{_ART}]+)条(之[{_ART}]+)? (.*)", a, re.S)
            if not mm:
                continue
            text = re.split(r"\n#", mm.group(3).strip())[0].strip()
            if not re.search(rf"《|本条例|本法|本办法|第[{_ART}]+条", text):
                continue
            from powers.normalize import cn_int

            out.append({"source": f"{f.parent.name}/{f.name} 第{mm.group(1)}条",
                        "text": f"【法律】《{title}》第{mm.group(1)}条{mm.group(2) or ''}：{text}",
                        "expect": [[title, cn_int(mm.group(1)), None, None]], "loose": True})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parser", help="path of a legal.py to measure instead of powers/legal.py")
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--misses", action="store_true", help="list every miss and spurious basis")
    ap.add_argument("--source", help="only the texts whose source contains this")
    ap.add_argument("--laws", help="folder of unpacked national law texts: measure on their articles instead")
    args = ap.parse_args(argv)
    cases = json.loads(Path(args.corpus).read_text("utf-8"))["cases"]
    mod = load_parser(args.parser)
    if args.laws:
        cases = law_cases(args.laws)
    if args.source:
        cases = [c for c in cases if args.source in c["source"]]
    fig, misses = measure(mod, cases)
    if args.json:
        print(json.dumps(fig, ensure_ascii=False))
    else:
        pct = lambda n, d: f"{100 * n / d:.1f}%" if d else "-"  # noqa: E731
        print(f"texts: {fig['texts']}   citations: {fig['citations']} "
              f"({fig['citations_with_article']} with an article)")
        print(f"titles found:   {fig['titles_found']:4d}  {pct(fig['titles_found'], fig['citations'])}")
        print(f"articles found: {fig['articles_found']:4d}  "
              f"{pct(fig['articles_found'], fig['citations_with_article'])}"
              f"   (with paragraph and item too: {pct(fig['full_found'], fig['citations'])})")
        print(f"spurious bases: {fig['spurious']:4d}")
        print(f"continuations recognised: {fig['continuations_recognised']} of {fig['continuations']}")
    if args.misses:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
