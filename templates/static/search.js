// The search page: reads the static index that `confsite build` writes under the
// search page's URL (see generator/search.py) and shows ranked, highlighted results.
// Only this page loads this script; the index is fetched when a reader searches.
"use strict";

(function () {
  var root = document.getElementById("search");
  if (!root) return;
  var form = root.querySelector("form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var indexUrl = root.getAttribute("data-index");
  var PER_PAGE = 10;
  var FILTERS = ["cum", "nam", "loai"];            // cluster slug, year, kind
  var FACET = { cum: "c-", nam: "y-", loai: "k-" };
  var WEIGHTS = [3, 2, 1];                          // title, front-matter, body
  var FINAL = "0123456789abcdefghijklmnopqrstuv";
  var MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz-_";
  var HASH = 8;                                     // characters of a file's hash (HASH_CHARS in search.py)
  var cache = {};
  var run = 0;
  var shown = [];
  var order = [];
  var terms = [];

  // Lowercase, accents removed, đ → d: the same folding as generator/slugs.py.
  function fold(text) {
    return text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
  }

  function tokens(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  function decode(text) {
    var ids = [], value = 0, prev = -1;
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i), d = MORE.indexOf(ch);
      if (d >= 0) { value = value * 32 + d; continue; }
      prev += value * 32 + FINAL.indexOf(ch);
      ids.push(prev);
      value = 0;
    }
    return ids;
  }

  // The hash of the i-th file of a list the manifest gives as one string.
  function hashAt(hashes, i) {
    return hashes.substr(i * HASH, HASH);
  }

  function fetchJson(path, options) {
    if (!cache[path]) {
      cache[path] = fetch(indexUrl + path, options).then(function (r) {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error(r.status + " " + path);
        return r.json();
      });
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }

  function message(name, values) {
    var text = root.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }

  function optionValues(select) {
    return Array.prototype.map.call(select.options, function (o) { return o.value; });
  }

  // The query and filters from the page's address (unknown filter values are ignored).
  function readParams() {
    var params = new URLSearchParams(window.location.search);
    var state = { q: (params.get("q") || "").trim() };
    FILTERS.forEach(function (name) {
      var value = params.get(name) || "";
      state[name] = optionValues(form.elements[name]).indexOf(value) > 0 ? value : "";
    });
    return state;
  }

  function fillForm(state) {
    form.elements.q.value = state.q;
    FILTERS.forEach(function (name) { form.elements[name].value = state[name]; });
    var header = document.getElementById("q");
    if (header) header.value = state.q;
  }

  function formState() {
    var state = { q: form.elements.q.value.trim() };
    FILTERS.forEach(function (name) { state[name] = form.elements[name].value; });
    return state;
  }

  function address(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    FILTERS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function shardFor(manifest, term) {
    var best = -1;
    manifest.keys.forEach(function (key, i) {
      if (term.lastIndexOf(key, 0) === 0 && (best < 0 || key.length > manifest.keys[best].length)) best = i;
    });
    return best;
  }

  // id → score for one term (absent: the article does not contain it).
  function termScores(manifest, term) {
    var shard = shardFor(manifest, term);
    if (shard < 0) return Promise.resolve(new Map());
    return fetchJson("t/" + hashAt(manifest.t, shard) + ".json").then(function (entries) {
      var scores = new Map();
      var lists = entries && Object.prototype.hasOwnProperty.call(entries, term) ? entries[term] : ["", "", ""];
      lists.forEach(function (encoded, field) {
        decode(encoded).forEach(function (id) { scores.set(id, WEIGHTS[field]); });
      });
      return scores;
    });
  }

  function facetIds(manifest, name, value) {
    var facet = FACET[name] + value;
    if (!Object.prototype.hasOwnProperty.call(manifest.f, facet)) return Promise.resolve(new Set());
    return fetchJson("f/" + facet + "." + manifest.f[facet] + ".json").then(function (encoded) {
      return new Set(encoded ? decode(encoded) : []);
    });
  }

  // Every matching article id, best first: all words must match; ties go to the newest.
  function rank(manifest, state, words) {
    var filters = FILTERS.filter(function (name) { return state[name]; });
    return Promise.all([
      Promise.all(words.map(function (w) { return termScores(manifest, w); })),
      Promise.all(filters.map(function (name) { return facetIds(manifest, name, state[name]); })),
    ]).then(function (found) {
      var perTerm = found[0], sets = found[1], scores = new Map();
      if (perTerm.length) {
        perTerm[0].forEach(function (_, id) {
          var total = 0;
          for (var i = 0; i < perTerm.length; i++) {
            var s = perTerm[i].get(id);
            if (s === undefined) return;
            total += s;
          }
          scores.set(id, total);
        });
      } else {
        for (var id = 0; id < manifest.n; id++) scores.set(id, 0);
      }
      var ids = [];
      scores.forEach(function (_, id) {
        if (sets.every(function (set) { return set.has(id); })) ids.push(id);
      });
      return ids.sort(function (a, b) { return (scores.get(b) - scores.get(a)) || (a - b); });
    });
  }

  function isMatch(word) {
    var folded = tokens(word);
    return folded.some(function (t) { return terms.indexOf(t) >= 0; });
  }

  // A window of `text` around its first matched word, with matched words in <mark>.
  function excerpt(text, length, whole) {
    var words = [], re = /[\p{L}\p{N}\p{M}]+/gu, m;
    while ((m = re.exec(text))) words.push({ start: m.index, end: m.index + m[0].length, hit: isMatch(m[0]) });
    var first = -1;
    for (var i = 0; i < words.length; i++) if (words[i].hit) { first = i; break; }
    if (first < 0) return null;
    var from = !whole && first > 8 ? words[first - 8].start : 0;
    var to = Math.min(text.length, from + length);
    while (to < text.length && /[\p{L}\p{N}\p{M}]/u.test(text.charAt(to))) to++;
    var fragment = document.createDocumentFragment();
    if (from > 0) fragment.appendChild(document.createTextNode("… "));
    var at = from;
    words.forEach(function (w) {
      if (!w.hit || w.start < from || w.end > to) return;
      fragment.appendChild(document.createTextNode(text.slice(at, w.start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(w.start, w.end);
      fragment.appendChild(mark);
      at = w.end;
    });
    fragment.appendChild(document.createTextNode(text.slice(at, to) + (to < text.length ? " …" : "")));
    return fragment;
  }

  function highlighted(text) {
    return excerpt(text, text.length, true) || document.createTextNode(text);
  }

  function kindLabel(kind) {
    var select = form.elements.loai;
    for (var i = 0; i < select.options.length; i++) if (select.options[i].value === kind) return select.options[i].text;
    return "";
  }

  function item(doc) {
    var li = document.createElement("li");
    li.className = "search-result";
    var link = document.createElement("a");
    link.className = "article-link";
    link.href = root.getAttribute("data-base") + doc.u;
    link.appendChild(highlighted(doc.t));
    li.appendChild(link);
    var meta = document.createElement("span");
    meta.className = "meta";
    var time = document.createElement("time");
    time.setAttribute("datetime", doc.i);
    time.textContent = doc.d;
    meta.appendChild(time);
    [kindLabel(doc.k), doc.c].forEach(function (part) {
      if (part) meta.appendChild(document.createTextNode(" · " + part));
    });
    li.appendChild(meta);
    var p = document.createElement("p");
    p.className = "excerpt";
    var text = excerpt(doc.b, 220) || excerpt(doc.m, 220) || document.createTextNode(doc.b.slice(0, 220) + (doc.b.length > 220 ? " …" : ""));
    p.appendChild(text);
    li.appendChild(p);
    return li;
  }

  function showMore(manifest, mine) {
    var next = order.slice(shown.length, shown.length + PER_PAGE);
    more.hidden = true;
    return Promise.all(next.map(function (id) {
      var group = manifest.g || 1, g = Math.floor(id / group);
      return fetchJson("d/" + g + "." + hashAt(manifest.d, g) + ".json").then(function (records) {
        return records ? records[id % group] || null : null;
      });
    })).then(function (docs) {
      if (mine !== run) return;
      docs.forEach(function (doc, i) { shown.push(next[i]); if (doc) list.appendChild(item(doc)); });
      more.hidden = shown.length >= order.length;
    });
  }

  function search(state) {
    var mine = ++run;
    list.textContent = "";
    more.hidden = true;
    shown = [];
    order = [];
    terms = tokens(state.q).filter(function (t, i, all) { return all.indexOf(t) === i; });
    var filtered = FILTERS.some(function (name) { return state[name]; });
    if (!terms.length && !filtered) {
      status.textContent = state.q ? message("empty") : "";
      return Promise.resolve();
    }
    root.setAttribute("aria-busy", "true");
    status.textContent = message("loading");
    return fetchJson("manifest.json", { cache: "no-cache" }).then(function (manifest) {
      return rank(manifest, state, terms).then(function (ids) {
        if (mine !== run) return;
        order = ids;
        if (!ids.length) {
          status.textContent = message(filtered ? "none-filtered" : "none", { q: state.q });
          return;
        }
        return showMore(manifest, mine).then(function () {
          if (mine !== run) return;
          status.textContent = message("count", { count: ids.length.toLocaleString(document.documentElement.lang) });
        });
      });
    }).catch(function () {
      if (mine === run) status.textContent = message("failed");
    }).then(function () {
      if (mine === run) root.removeAttribute("aria-busy");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var state = formState();
    window.history.pushState(null, "", address(state));
    search(state);
  });
  FILTERS.forEach(function (name) {
    form.elements[name].addEventListener("change", function () { form.requestSubmit(); });
  });
  more.addEventListener("click", function () {
    var mine = run;
    fetchJson("manifest.json", { cache: "no-cache" }).then(function (manifest) { return showMore(manifest, mine); });
  });
  window.addEventListener("popstate", function () {
    var state = readParams();
    fillForm(state);
    search(state);
  });

  root.querySelector(".search-filters").hidden = false;
  var initial = readParams();
  fillForm(initial);
  search(initial);
})();
