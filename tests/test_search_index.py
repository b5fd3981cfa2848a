"""The search index is written whole, with real Pagefind: an index that Pagefind left with an empty
file is made again, and a cached shard with an empty file is not reused."""
from __future__ import annotations

import asyncio

from powers import search
from powers.search import Record, Shard


def _records(n: int) -> list[Record]:
    return [Record(url=f"/powers/{i:012d}.html", content=f"测试许可{i} 行政许可 罚款",
                   meta={"title": f"测试许可{i}", "code": f"{i:012d}", "department": "测试局", "category": "行政许可"},
                   filters={"部门": ["测试局"], "类别": ["行政许可"]}) for i in range(n)]


def test_an_index_left_with_an_empty_file_is_made_again(tmp_path, monkeypatch):
    calls = []
    real = search._write_once

    async def flaky(out, recs):
        n = await real(out, recs)
        calls.append(out)
        if len(calls) == 1:  # as Pagefind 1.4.0 now and then leaves it
            (out / "pagefind-modular-ui.css").write_bytes(b"")
        return n

    monkeypatch.setattr(search, "_write_once", flaky)
    assert asyncio.run(search._write(tmp_path / "pagefind", iter(_records(5)))) == 5
    assert len(calls) == 2 and search._output_complete(tmp_path / "pagefind")
    assert (tmp_path / "pagefind" / "pagefind-modular-ui.css").stat().st_size > 0


def test_a_cached_shard_with_an_empty_file_is_not_reused(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    parts = [Shard(_records(3), cache / "k1")]
    search.write_index(tmp_path / "site", parts, cache, jobs=1)
    assert search.without_cached(parts)[0].records == []  # whole: reused, its records not carried
    (cache / "k1" / "pagefind" / "pagefind-ui.css").write_bytes(b"")
    assert len(search.without_cached(parts)[0].records) == 3  # made again
    search.write_index(tmp_path / "site2", parts, cache, jobs=1)
    assert search._output_complete(tmp_path / "site2" / "pagefind")
