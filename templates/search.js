/* Chinese full-text search over the Pagefind index, offline, no server code. */
(function () {
  "use strict";
  var me = document.currentScript;
  var root = new URL(me.getAttribute("data-root") || "./", location.href);
  var q = document.getElementById("q");
  var dept = document.getElementById("f-dept");
  var cat = document.getElementById("f-cat");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var pagefind = null;
  var timer = null;

  function say(text) { status.textContent = text; }

  /* The home page lists the options with the site's own counts (items, as its tables count them);
     Pagefind's counts are of pages, sub-items included, so they only fill a list left empty. */
  function fill(select, values) {
    if (select.options.length > 1) return;
    Object.keys(values || {}).sort().forEach(function (v) {
      var o = document.createElement("option");
      o.value = v; o.textContent = v + "（" + values[v] + "）";
      select.appendChild(o);
    });
  }

  function load() {
    if (pagefind) return Promise.resolve(pagefind);
    if (location.protocol === "file:") {
      return Promise.reject(new Error("file"));
    }
    return import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
      return pf.options({ baseUrl: root.pathname }).then(function () {
        return shards(pf);
      }).then(function () {
        pagefind = pf;
        return pf.filters().then(function (f) { fill(dept, f["部门"]); fill(cat, f["类别"]); return pf; });
      });
    });
  }

  /* A large site's index is split by department (pagefind/shards.json lists the other parts). */
  function shards(pf) {
    return fetch(new URL("pagefind/shards.json", root).href).then(function (r) {
      return r.ok ? r.json() : [];
    }, function () { return []; }).then(function (dirs) {
      return dirs.reduce(function (done, dir) {
        return done.then(function () {
          return pf.mergeIndex(new URL(dir, root).pathname, { baseUrl: root.pathname });
        });
      }, Promise.resolve());
    });
  }

  function text(el, tag, value, cls) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    e.textContent = value;
    el.appendChild(e);
    return e;
  }

  function run() {
    var term = q.value.trim();
    var filters = {};
    if (dept.value) filters["部门"] = dept.value;
    if (cat.value) filters["类别"] = cat.value;
    if (!term && !dept.value && !cat.value) { list.innerHTML = ""; say(""); return; }
    load().then(function (pf) {
      return pf.search(term || null, { filters: filters });
    }).then(function (res) {
      list.innerHTML = "";
      say("找到 " + res.results.length + " 项" + (res.results.length > 50 ? "，显示前 50 项" : ""));
      return Promise.all(res.results.slice(0, 50).map(function (r) { return r.data(); }));
    }).then(function (items) {
      (items || []).forEach(function (d) {
        var li = document.createElement("li");
        var a = text(li, "a", d.meta.title || d.url);
        a.href = d.url;
        var meta = text(li, "div", "", "meta");
        meta.textContent = [d.meta.code, d.meta.department, d.meta.category].filter(Boolean).join(" · ");
        var ex = document.createElement("div");
        ex.innerHTML = d.excerpt; /* Pagefind escapes page text and adds only <mark> */
        li.appendChild(ex);
        list.appendChild(li);
      });
    }).catch(function (e) {
      if (e && e.message === "file") {
        say("搜索需要通过网站服务器访问（直接打开本地文件时不可用）。请使用 powers serve 预览，或按部门、类别浏览。");
      } else {
        say("搜索暂不可用：" + (e && e.message ? e.message : e));
      }
    });
  }

  function later() { clearTimeout(timer); timer = setTimeout(run, 200); }
  q.addEventListener("input", later);
  dept.addEventListener("change", run);
  cat.addEventListener("change", run);
  if (location.protocol !== "file:") { load().catch(function () {}); }
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { q.value = initial; run(); }
})();
