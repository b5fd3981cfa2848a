/* Chinese full-text search over the Pagefind index, offline, no server code.

   The index holds a page's text as words made by powers/search.py (index_text): every Chinese
   character a word, a run of letters and digits a word, a 。 for each break between clauses or
   fields. A query is cut by the same rule (phrases() here) and looked up as phrases: a page is
   found when its text holds each part of the query, character after character. The parts of a
   query (what spaces or 、，； divide, or "quotes" keep together) must all be on a page (AND);
   a part may also be found by the other names the synonym table gives it (OR). Pages holding
   the whole query as one phrase come first, then pages where the query comes early (the name
   is first in the index, the codes and department last).
   State lives in the URL (?q=…&部门=…&类别=…&页=…): Back restores a search, a link shares it. */
(function () {
  "use strict";
  var PAGE = 20;
  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var GAP = "\n,、;。!?:—"; /* after NFKC, as powers/search.py GAP */
  var WORD = new RegExp("[" + HAN + "]|(?:(?![" + HAN + "])[\\p{L}\\p{N}])+|[" + GAP + "]", "gu");
  var IS_HAN = new RegExp("^[" + HAN + "]$", "u");

  var me = document.currentScript;
  var root = new URL(me.getAttribute("data-root") || "./", location.href);
  var form = document.getElementById("search-form");
  var q = document.getElementById("q");
  var dept = document.getElementById("f-dept");
  var cat = document.getElementById("f-cat");
  var status = document.getElementById("search-status");
  var notes = document.getElementById("search-notes");
  var list = document.getElementById("search-results");
  var area = document.getElementById("search-area");
  var html = document.documentElement;
  var loading = null;
  var pf = null, synonyms = {}, subItems = new Set();
  var cache = new Map();
  var timer = null, seq = 0;

  /* ------------------------------------------------------------ words, as the index has them */
  function phrases(text) {
    var out = [[]];
    (String(text).normalize("NFKC").toLowerCase().match(WORD) || []).forEach(function (w) {
      if (GAP.indexOf(w) >= 0) {
        if (out[out.length - 1].length) out.push([]);
      } else {
        out[out.length - 1].push(w);
      }
    });
    return out.filter(function (p) { return p.length; });
  }

  function squeeze(text) { /* for comparing texts: NFKC, lower case, no spaces */
    return String(text).normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  }

  /* The query's parts: "quoted" phrases kept whole, the rest divided by spaces and 、，；。 */
  /* 90 → 九十, 126 → 一百二十六 (as laws number their articles) */
  function cnNumeral(n) {
    var d = "零一二三四五六七八九", out = "", units = ["千", "百", "十", ""], s = String(n), zero = false;
    if (n === 0 || s.length > 4) return s;
    s = ("0000" + s).slice(-4);
    for (var i = 0; i < 4; i++) {
      var k = +s[i];
      if (k === 0) { zero = out !== ""; continue; }
      if (zero) { out += "零"; zero = false; }
      out += (k === 1 && i === 2 && out === "" ? "" : d[k]) + units[i];
    }
    return out;
  }

  function parse(raw) {
    var units = [], seen = new Set();
    var rest = String(raw).normalize("NFKC")
      .replace(/第(\d{1,4})(条|款|项|章|节)/g, function (m, n, u) { return "第" + cnNumeral(+n) + u; })  /* 第90条 → 第九十条 */
      .replace(/"([^"]*)"|“([^”]*)”/g, function (m, a, b) {
      var t = (a || b || "").trim();
      if (phrases(t).length) units.push({ text: t, quoted: true });
      return " ";
    }).replace(/["“”]/g, " ");
    rest.split(new RegExp("[\\s" + GAP + "]+", "u")).forEach(function (t) {
      if (phrases(t).length) units.push({ text: t, quoted: false });
    });
    units = units.filter(function (u) {  /* the same word twice asks for it once */
      var key = (u.quoted ? "q:" : "w:") + u.text;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    units.forEach(function (u) { u.alts = forms(u); });
    return units;
  }

  /* A part and the other names the synonym table gives it (城管 → 城市管理, 城管局 → 城市管理局) */
  function forms(unit) {
    var texts = [unit.text];
    unit.expanded = [];
    if (!unit.quoted) {
      Object.keys(synonyms).sort(function (a, b) { return b.length - a.length; }).forEach(function (k) {
        if (texts[0].indexOf(k) < 0) return;
        unit.expanded.push(k);
        texts.slice().forEach(function (t) {
          if (t.indexOf(k) < 0) return;
          synonyms[k].forEach(function (e) {
            var f = t.split(k).join(e);
            if (texts.indexOf(f) < 0 && texts.length < 16) texts.push(f);
          });
        });
      });
    }
    return texts.map(function (t, i) {
      var parts = phrases(t);
      return { text: t, parts: parts, synonym: i > 0, verify: parts.length > 1 };
    });
  }

  /* ------------------------------------------------------------ the index */
  function load() {
    if (loading) return loading;
    if (location.protocol === "file:") return Promise.reject(new Error("file"));
    loading = import(new URL("pagefind/pagefind.js", root).href).then(function (mod) {
      return mod.options({ baseUrl: root.pathname }).then(function () {
        return json("pagefind/shards.json", []);
      }).then(function (dirs) {
        return dirs.reduce(function (done, dir) {
          return done.then(function () { return mod.mergeIndex(new URL(dir, root).pathname, { baseUrl: root.pathname }); });
        }, Promise.resolve());
      }).then(function () {
        return Promise.all([json("pagefind/synonyms.json", {}), mod.search(null, { filters: { "事项": "子项" } })]);
      }).then(function (got) {
        synonyms = got[0] || {};
        subItems = new Set(got[1].results.map(function (r) { return r.id; }));
        pf = mod;
        return mod;
      });
    });
    loading.catch(function () { loading = null; });
    return loading;
  }

  function json(path, fallback) {
    return fetch(new URL(path, root).href).then(function (r) { return r.ok ? r.json() : fallback; },
                                                function () { return fallback; });
  }

  /* The pages holding a phrase (its words in a row), id → {r, pos: where it first is, order} */
  function phrase(words, filters) {
    var key = JSON.stringify([words, filters]);
    if (!cache.has(key)) {
      /* one run of letters or digits: a prefix finds the codes starting with it */
      var term = words.length === 1 && !IS_HAN.test(words[0]) ? words[0] : '"' + words.join(" ") + '"';
      cache.set(key, pf.search(term, { filters: filters }).then(function (res) {
        var m = new Map();
        res.results.forEach(function (r, i) {
          m.set(r.id, { r: r, pos: r.words && r.words.length ? Math.min.apply(null, r.words) : 1e9, order: i });
        });
        return m;
      }));
    }
    return cache.get(key);
  }

  function hitsOf(unit, filters) { /* id → {r, pos, order, synonym, alt} for any of the part's forms */
    return Promise.all(unit.alts.map(function (alt) {
      return Promise.all(alt.parts.map(function (p) { return phrase(p, filters); })).then(function (maps) {
        var out = new Map();
        maps[0].forEach(function (h, id) {
          if (!maps.every(function (m) { return m.has(id); })) return;
          var pos = Math.min.apply(null, maps.map(function (m) { return m.get(id).pos; }));
          out.set(id, { r: h.r, pos: pos, order: h.order, synonym: alt.synonym, alt: alt });
        });
        return out;
      });
    })).then(function (maps) {
      var out = new Map();
      maps.forEach(function (m) {
        m.forEach(function (h, id) {
          var had = out.get(id);
          if (!had) { out.set(id, { r: h.r, pos: h.pos, order: h.order, synonym: h.synonym, alts: [h.alt] }); return; }
          had.alts.push(h.alt);
          had.synonym = had.synonym && h.synonym;
          had.pos = Math.min(had.pos, h.pos);
        });
      });
      return out;
    });
  }

  /* A quoted phrase holding 、，； is looked up in parts; the page's own text says whether they are in a row */
  function verified(hits) {
    var check = hits.filter(function (h) { return h.units.some(function (u) { return u.alts.some(function (a) { return a.verify; }); }); });
    return Promise.all(check.map(function (h) { return h.r.data(); })).then(function (data) {
      var drop = new Set();
      check.forEach(function (h, i) {
        var text = squeeze(data[i].meta.text || "");
        h.units.forEach(function (u) {
          if (u.alts.every(function (a) { return !a.verify; })) return;
          if (!u.alts.some(function (a) { return !a.verify || text.indexOf(squeeze(a.text)) >= 0; })) drop.add(h);
        });
      });
      return hits.filter(function (h) { return !drop.has(h); });
    });
  }

  function segment(text) { /* words of a part no page holds whole, by the browser's dictionary */
    if (typeof Intl === "undefined" || !Intl.Segmenter) return [];
    var seg = new Intl.Segmenter("zh", { granularity: "word" });
    return Array.from(seg.segment(text)).filter(function (s) { return s.isWordLike; }).map(function (s) { return s.segment; });
  }

  /* Every page matching `query` within `filters`, best first: {hits, units, relaxed} */
  function find(query, filters) {
    return load().then(function () {
      var units = parse(query);
      if (!units.length && query.trim()) {  /* only punctuation or quotes: nothing to look for */
        return { units: [], relaxed: [], hits: [], nowords: true };
      }
      if (!units.length) {
        return pf.search(null, { filters: filters }).then(function (res) {
          return { units: [], relaxed: [], hits: res.results.map(function (r, i) { return { id: r.id, r: r, order: i }; }) };
        });
      }
      return match(units, filters).then(function (found) {
        if (found.hits.length) return found;
        /* nothing: a part typed without spaces that no page holds whole is looked up word by word */
        var relaxed = [], next = [];
        units.forEach(function (u, i) {
          var words = !u.quoted && found.counts[i] === 0 ? segment(u.text) : [];
          /* words of two characters or more: 城管 is not looked up as 城 and 管 */
          if (words.length > 1 && words.every(function (w) { return w.length > 1; })) {
            relaxed.push({ from: u.text, words: words });
            words.forEach(function (w) { var v = { text: w, quoted: false }; v.alts = forms(v); next.push(v); });
          } else {
            next.push(u);
          }
        });
        if (!relaxed.length) return found;
        return match(next, filters).then(function (again) {
          if (!again.hits.length) return found;
          again.relaxed = relaxed;
          return again;
        });
      });
    });
  }

  function match(units, filters) {
    var whole = null;
    if (units.length > 1 && units.every(function (u) { return !u.quoted; })) {
      whole = [].concat.apply([], units.map(function (u) { return phrases(u.text)[0] || []; }));
    }
    return Promise.all(units.map(function (u) { return hitsOf(u, filters); }).concat(
      whole ? [phrase(whole, filters)] : [])).then(function (maps) {
      var first = whole ? maps.pop() : new Map();
      var counts = maps.map(function (m) { return m.size; });
      var hits = [];
      maps[0].forEach(function (h, id) {
        if (!maps.every(function (m) { return m.has(id); })) return;
        var all = maps.map(function (m) { return m.get(id); });
        hits.push({
          id: id, r: h.r, order: h.order, units: units,
          whole: first.has(id) || units.length === 1 ? 0 : 1,
          synonyms: all.filter(function (x) { return x.synonym; }).length,
          pos: Math.min.apply(null, all.map(function (x) { return x.pos; })),
        });
      });
      hits.sort(function (a, b) {
        return a.whole - b.whole || a.synonyms - b.synonyms || a.pos - b.pos || a.order - b.order;
      });
      return verified(hits).then(function (kept) { return { units: units, relaxed: [], hits: kept, counts: counts }; });
    });
  }

  /* ------------------------------------------------------------ showing results */
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function quote(words) { return words.map(function (w) { return "“" + w + "”"; }).join(""); }

  /* A window of the page's text around the first match, every match marked */
  function excerpt(text, units) {
    var pats = [];
    (units || []).forEach(function (u) {
      u.alts.forEach(function (a) {
        a.parts.forEach(function (p) {
          pats.push(p.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); })
                     .join("[^\\p{L}\\p{N}" + GAP + "]*?"));
        });
      });
    });
    text = String(text || "").replace(/\s*\n\s*/g, "　");
    var box = el("div", "", "excerpt");
    var re = pats.length ? new RegExp(pats.join("|"), "giu") : null;
    var m = re ? re.exec(text) : null;
    var start = m ? Math.max(0, m.index - 24) : 0, end = Math.min(text.length, start + 110);
    var piece = text.slice(start, end);
    if (start > 0) box.appendChild(document.createTextNode("…"));
    var at = 0;
    if (re) {
      re.lastIndex = 0;
      var x;
      while ((x = re.exec(piece)) !== null) {
        if (!x[0].length) { re.lastIndex++; continue; }
        box.appendChild(document.createTextNode(piece.slice(at, x.index)));
        box.appendChild(el("mark", x[0]));
        at = x.index + x[0].length;
      }
    }
    box.appendChild(document.createTextNode(piece.slice(at)));
    if (end < text.length) box.appendChild(document.createTextNode("…"));
    return box;
  }

  function say(text) { status.textContent = text; }

  function note(parts) { /* parts: strings and {href, text} links */
    notes.innerHTML = "";
    parts.forEach(function (p) {
      if (!p) return;
      var para = el("p");
      (Array.isArray(p) ? p : [p]).forEach(function (x) {
        if (typeof x === "string") para.appendChild(document.createTextNode(x));
        else { var a = el("a", x.text); a.href = new URL(x.href, root).href; para.appendChild(a); }
      });
      notes.appendChild(para);
    });
  }

  function expansions(units) {
    var said = [];
    units.forEach(function (u) {
      var others = u.alts.filter(function (a) { return a.synonym; }).map(function (a) { return a.text; });
      if (others.length) said.push("“" + u.text + "”也按" + quote(others) + "搜索");
    });
    return said.length ? "已同时搜索同义词：" + said.join("；") + "。" : "";
  }

  function browse() {
    return ["也可以", { href: "departments/index.html", text: "按部门浏览" }, "或", { href: "categories/index.html", text: "按权力类别浏览" }, "全部事项。"];
  }

  function render(st, found, mine) {
    var hits = found.hits;
    var pages = Math.max(1, Math.ceil(hits.length / PAGE));
    var page = Math.min(st.page, pages);
    var shown = hits.slice((page - 1) * PAGE, page * PAGE);
    return Promise.all(shown.map(function (h) { return h.r.data(); })).then(function (data) {
      if (mine !== seq) return;
      var subs = hits.filter(function (h) { return subItems.has(h.id); }).length;
      var scope = [st.dept, st.cat].filter(Boolean).join("，");
      var within = [st.dept && "“" + st.dept + "”", st.cat && "“" + st.cat + "”类"].filter(Boolean).join("、");
      list.innerHTML = "";
      var pager = document.getElementById("search-pager");
      if (pager) pager.remove();
      if (found.nowords) {
        say("请输入要查找的文字或编码：“" + st.q.trim() + "”中没有可以查找的字词。");
        note([browse()]);
        return;
      }
      if (!hits.length) {
        var words = st.q.trim();
        say("没有找到" + (words ? "含有“" + words + "”的事项" : "事项") + (scope ? "（" + scope + "）" : "") + "。");
        note([
          expansions(found.units),
          found.units.length > 1 || words.length > 4 ? "建议减少关键词，或改用较短的词（如“吊销许可证”可只搜“吊销”）；检查有无错别字。" : "建议检查有无错别字，或换一个说法。",
          within ? "当前只搜索了" + within + "的事项，可改选“全部部门”“全部类别”再试。" : "",
          browse(),
        ]);
        return;
      }
      say("找到 " + (hits.length - subs) + " 项" + (subs ? "，另有子项 " + subs + " 个" : "") +
          (scope ? "（" + scope + "）" : "") + (pages > 1 ? "，第 " + page + " / " + pages + " 页" : ""));
      note([
        found.relaxed.length ? "没有事项含有完整的" + found.relaxed.map(function (r) { return "“" + r.from + "”"; }).join("") +
          "，以下是同时含有" + found.relaxed.map(function (r) { return quote(r.words); }).join("") + "的事项。" : "",
        expansions(found.units),
      ]);
      list.start = (page - 1) * PAGE + 1;
      data.forEach(function (d, i) {
        var li = el("li");
        var a = el("a", d.meta.title || d.url);
        a.href = d.url;
        li.appendChild(a);
        var sub = subItems.has(shown[i].id);
        li.appendChild(el("div", [d.meta.code, d.meta.department, d.meta.category, sub ? "子项" : ""].filter(Boolean).join(" · "), "meta"));
        li.appendChild(excerpt(d.meta.text, found.units));
        list.appendChild(li);
      });
      if (pages > 1) {
        var nav = el("nav");
        nav.id = "search-pager";
        nav.setAttribute("aria-label", "搜索结果翻页");
        var prev = el("button", "上一页"), next = el("button", "下一页");
        prev.type = next.type = "button";
        prev.disabled = page <= 1;
        next.disabled = page >= pages;
        prev.addEventListener("click", function () { turn(page - 1); });
        next.addEventListener("click", function () { turn(page + 1); });
        nav.appendChild(prev);
        nav.appendChild(el("span", "第 " + page + " / " + pages + " 页"));
        nav.appendChild(next);
        list.after(nav);
      }
    });
  }

  /* ------------------------------------------------------------ state, in the URL */
  function current() {
    return { q: q.value, dept: dept.value, cat: cat.value, page: 1 };
  }

  function fromURL() {
    var p = new URLSearchParams(location.search);
    var n = parseInt(p.get("页") || "1", 10);
    return { q: p.get("q") || "", dept: p.get("部门") || "", cat: p.get("类别") || "", page: n > 0 ? n : 1 };
  }

  function toURL(st, push) {
    var p = new URLSearchParams(location.search);
    [["q", st.q.trim()], ["部门", st.dept], ["类别", st.cat], ["页", st.page > 1 ? String(st.page) : ""]].forEach(function (kv) {
      if (kv[1]) p.set(kv[0], kv[1]); else p.delete(kv[0]);
    });
    var s = p.toString();
    var url = location.pathname + (s ? "?" + s : "") + location.hash;
    if (url === location.pathname + location.search + location.hash) return;
    history[push ? "pushState" : "replaceState"](null, "", url);
  }

  function active(st) { return Boolean(st.q.trim() || st.dept || st.cat); }

  function show(st) {
    html.classList.toggle("searching", active(st));
    var mine = ++seq;
    if (!active(st)) { list.innerHTML = ""; notes.innerHTML = ""; say(""); var p = document.getElementById("search-pager"); if (p) p.remove(); return Promise.resolve(); }
    var filters = {};
    if (st.dept) filters["部门"] = st.dept;
    if (st.cat) filters["类别"] = st.cat;
    if (!pf) say("正在搜索…");
    return find(st.q, filters).then(function (found) {
      if (mine !== seq) return;
      return render(st, found, mine);
    }).catch(function (e) {
      if (mine !== seq) return;
      list.innerHTML = "";
      if (e && e.message === "file") {
        say("在本机直接打开的页面不能搜索：搜索要在已发布的网站上使用。");
        note([browse()]);
      } else {
        say("搜索暂时不可用，请稍后再试。");
        note([browse()]);
      }
    });
  }

  function turn(page) {
    var st = current();
    st.page = page;
    toURL(st, true);
    show(st).then(function () {
      area.scrollIntoView({ block: "start" });
      list.focus();
    });
  }

  function setInputs(st) {
    q.value = st.q;
    dept.value = st.dept;
    if (dept.value !== st.dept) dept.value = "";
    cat.value = st.cat;
    if (cat.value !== st.cat) cat.value = "";
  }

  q.addEventListener("input", function () {
    html.classList.toggle("searching", active(current())); /* space kept at once, while the visitor types */
    clearTimeout(timer);
    timer = setTimeout(function () { var st = current(); toURL(st, false); show(st); }, 250);
  });
  function now(push) { clearTimeout(timer); var st = current(); toURL(st, push); show(st); }
  form.addEventListener("submit", function (e) { e.preventDefault(); now(true); });
  dept.addEventListener("change", function () { now(true); });
  cat.addEventListener("change", function () { now(true); });
  window.addEventListener("popstate", function () { var st = fromURL(); setInputs(st); show(st); });

  /* for tests and other pages' scripts: every match of a query, best first, as page URLs */
  window.powersSearch = {
    find: function (query, filters) {
      return find(query, filters || {}).then(function (found) {
        return Promise.all(found.hits.map(function (h) { return h.r.data(); })).then(function (data) {
          return data.map(function (d, i) { return { url: d.url, sub: subItems.has(found.hits[i].id) }; });
        });
      });
    },
    phrases: phrases,
  };

  var initial = fromURL();
  if (active(initial)) { setInputs(initial); show(initial); }
  else if (location.protocol !== "file:") { load().catch(function () {}); }
})();
