// The search page: reads the static index that `confsite build` writes under the
// search page's URL (see generator/render/search.py) and shows ranked, highlighted results.
// Only this page loads this script; the index is fetched when a reader searches.
"use strict";

(function () {
  var root = document.getElementById("search");
  if (!root) return;
  var form = root.querySelector("form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var entities = document.getElementById("search-entities");
  var indexUrl = root.getAttribute("data-index");
  var PER_PAGE = 10;
  var FILTERS = ["cum", "nam", "loai"];            // cluster slug, year, kind
  var FACET = { cum: "c-", nam: "y-", loai: "k-" };
  var FIELDS = 4;                                   // title, facts, summary, body (best first)
  var MAX_COMPLETIONS = 5;                          // words the last, unfinished word may be
  var MAX_TYPOS = 3;                                // words one edit away tried for a word not in the index
  var TYPO_LENGTH = 5;                              // shortest word a typo is tolerated in
  var MAX_PAIRS = 8;                                // pairs of adjacent words looked up per query pair
  var TONES = { "\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5" };
  var FINAL = "0123456789abcdefghijklmnopqrstuv";
  var MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz-_";
  var FORMAT = 3;                                   // of the index (FORMAT in search.py)
  var HASH = 8;                                     // characters of a file's hash (HASH_CHARS in search.py)
  var cache = {};
  var run = 0;
  var shown = [];
  var order = [];
  var highlight = new Set();

  // Lowercase, accents removed, đ → d: the same folding as generator/slugs.py.
  function fold(text) {
    return text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
  }

  function tokens(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  // The index key of a folded word, and a word's exact form: generator/core/searchwords.py.
  function keyOf(folded) {
    return folded.replace(/^([bcdghklmnpqrstvx]+)y$/, "$1i").replace(/k(?!h)/g, "c");
  }

  function exactOf(word) {
    var tone = "", kept = "";
    Array.from(word.toLowerCase().normalize("NFD")).forEach(function (ch) {
      if (TONES[ch]) tone = tone || TONES[ch]; else kept += ch;
    });
    return kept.normalize("NFC").replace(/^([bcdđghklmnpqrstvx]+)y$/, "$1i").replace(/k(?!h)/g, "c") + tone;
  }

  // The query's words: index key, exact form, and whether the reader typed accents.
  function queryWords(text) {
    var out = [];
    (text.normalize("NFC").match(/[\p{L}\p{N}\p{M}]+/gu) || []).forEach(function (w) {
      var marked = fold(w) !== w.toLowerCase();
      tokens(w).forEach(function (part) { out.push({ key: keyOf(part), exact: exactOf(w), marked: marked }); });
    });
    return out;
  }

  // At most one edit (insertion, deletion, substitution, swap of neighbours) apart.
  function oneEdit(a, b) {
    if (a === b || Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && i < b.length && a.charAt(i) === b.charAt(i)) i++;
    if (a.length === b.length) {
      return a.slice(i + 1) === b.slice(i + 1) ||
        (a.charAt(i) === b.charAt(i + 1) && a.charAt(i + 1) === b.charAt(i) && a.slice(i + 2) === b.slice(i + 2));
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // Digit values by character code: 0-31 a last digit, 32-63 an earlier one.
  var DIGIT = new Int8Array(128).fill(-1);
  for (var d = 0; d < 32; d++) {
    DIGIT[FINAL.charCodeAt(d)] = d;
    DIGIT[MORE.charCodeAt(d)] = 32 + d;
  }

  function decode(text) {
    var ids = [], value = 0, prev = -1;
    for (var i = 0; i < text.length; i++) {
      var d = DIGIT[text.charCodeAt(i)];
      if (d >= 32) { value = value * 32 + d - 32; continue; }
      prev += value * 32 + d;
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

  // The shard of the longest listed prefix of `term` (-1: none).
  function shardFor(manifest, term) {
    if (!manifest.at) {
      manifest.at = new Map();
      manifest.keys.forEach(function (key, i) { manifest.at.set(key, i); });
    }
    for (var n = term.length; n >= 0; n--) {
      var i = manifest.at.get(term.slice(0, n));
      if (i !== undefined) return i;
    }
    return -1;
  }

  function entry(manifest, term) {
    var shard = shardFor(manifest, term);
    if (shard < 0) return Promise.resolve(null);
    return fetchJson("t/" + hashAt(manifest.t, shard) + ".json").then(function (entries) {
      return entries && Object.prototype.hasOwnProperty.call(entries, term) ? entries[term] : null;
    });
  }

  function facetIds(manifest, name, value) {
    var facet = FACET[name] + value;
    if (!Object.prototype.hasOwnProperty.call(manifest.f, facet)) return Promise.resolve(new Set());
    return fetchJson("f/" + facet + "." + manifest.f[facet] + ".json").then(function (encoded) {
      return new Set(encoded ? decode(encoded) : []);
    });
  }

  function lexicon(manifest) {
    return fetchJson("x." + manifest.x + ".json").then(function (x) {
      if (!x.words) {
        x.words = x.v ? x.v.split(" ") : [];
        x.known = new Set(x.words);
      }
      return x;
    });
  }

  // What each query word may match in the index: the word itself (spelling variants are
  // one key), for the last word while it is being typed the commonest words it begins,
  // and, for a long word the index does not have, the commonest words one edit away.
  function alternatives(x, words, prefixLast) {
    return words.map(function (w, i) {
      var alts = [{ key: w.key, typo: 0, whole: true }];
      if (prefixLast && i === words.length - 1) {
        for (var j = 0; j < x.words.length && alts.length <= MAX_COMPLETIONS; j++) {
          var t = x.words[j];
          if (t !== w.key && t.lastIndexOf(w.key, 0) === 0) alts.push({ key: t, typo: 0, whole: false });
        }
      }
      if (alts.length === 1 && !x.known.has(w.key) && w.key.length >= TYPO_LENGTH && !/\d/.test(w.key)) {
        for (var k = 0; k < x.words.length && alts.length <= MAX_TYPOS; k++) {
          if (oneEdit(w.key, x.words[k])) alts.push({ key: x.words[k], typo: 1, whole: true });
        }
      }
      return alts;
    });
  }

  // Whether article `id` spells `term` as `exact`: the entry's fifth item lists its forms
  // ([commonest, ids without it, other form, ids with it, ...]; none: the term is its only form).
  function hasForm(e, term, exact, id) {
    var forms = e[4];
    if (!forms) return exact === term;
    if (!forms.sets) {
      forms.sets = {};
      forms.sets[forms[0]] = new Set(decode(forms[1]));
      for (var i = 2; i < forms.length; i += 2) forms.sets[forms[i]] = new Set(decode(forms[i + 1]));
    }
    if (forms[0] === exact) return !forms.sets[exact].has(id);
    return Object.prototype.hasOwnProperty.call(forms.sets, exact) && forms.sets[exact].has(id);
  }

  // The id lists of an entry's fields, decoded once (entries stay in the cache of fetched files).
  function fieldIds(e) {
    if (!e.ids) {
      e.ids = [];
      for (var field = 0; field < FIELDS; field++) e.ids.push(decode(e[field]));
    }
    return e.ids;
  }

  // For one query word: id → {typo, field, exact} of its best match in that article.
  function wordMatches(w, alts, entries) {
    var best = new Map();
    alts.forEach(function (alt, a) {
      var e = entries[a];
      if (!e) return;
      var lists = fieldIds(e);
      for (var field = 0; field < FIELDS; field++) {
        lists[field].forEach(function (id) {
          var exact = alt.whole && !alt.typo && (!w.marked || hasForm(e, alt.key, w.exact, id)) ? 1 : 0;
          var old = best.get(id);
          if (!old || alt.typo < old.typo || (alt.typo === old.typo && (field < old.field ||
              (field === old.field && exact > old.exact)))) {
            best.set(id, { typo: alt.typo, field: field, exact: exact });
          } else if (alt.typo === old.typo && exact > old.exact) {
            old.exact = exact;
          }
        });
      }
    });
    return best;
  }

  // The ids of articles where query words i and i+1 stand side by side, in this order.
  function pairKeys(alts, i) {
    var keys = [];
    alts[i].forEach(function (a) {
      alts[i + 1].forEach(function (b) {
        if (a.key !== b.key && keys.length < MAX_PAIRS) keys.push(a.key + " " + b.key);
      });
    });
    return keys;
  }

  // Every matching article id, best first, by in turn: the number of query words matched
  // (all of them; a query of three words or more that no article matches whole keeps
  // the articles missing one); typos (fewer first); proximity (more query words side by
  // side, in order, in one text); field (title, facts, summary, body: the sum over the
  // words of the best field each is in); exactness (more words typed whole and, where the
  // reader typed accents, spelled with them); then the newest.
  function rank(manifest, state, words) {
    var filters = FILTERS.filter(function (name) { return state[name]; });
    var loaded = words.length ? lexicon(manifest) : Promise.resolve(null);
    var scoresP = loaded.then(function (x) {
      if (!x) return null;
      var alts = alternatives(x, words, state.prefix !== false);
      var pairs = [];
      for (var i = 0; i + 1 < words.length; i++) pairs.push(pairKeys(alts, i));
      return Promise.all([
        Promise.all(alts.map(function (list) {
          return Promise.all(list.map(function (alt) { return entry(manifest, alt.key); }));
        })),
        Promise.all(pairs.map(function (keys) {
          return Promise.all(keys.map(function (k) { return entry(manifest, k); }));
        })),
      ]).then(function (got) {
        highlight = new Set();
        alts.forEach(function (list, i) {
          list.forEach(function (alt, a) { if (got[0][i][a]) highlight.add(alt.key); });
        });
        var perWord = words.map(function (w, i) { return wordMatches(w, alts[i], got[0][i]); });
        // For each pair of query words: id → the best field they stand side by side in.
        var side = got[1].map(function (found) {
          var best = new Map();
          found.forEach(function (e) {
            if (!e) return;
            var lists = fieldIds(e);
            for (var field = 0; field < FIELDS; field++) {
              lists[field].forEach(function (id) { if (!best.has(id) || best.get(id) > field) best.set(id, field); });
            }
          });
          return best;
        });
        return score(perWord, side);
      });
    });
    return Promise.all([
      scoresP,
      Promise.all(filters.map(function (name) { return facetIds(manifest, name, state[name]); })),
    ]).then(function (found) {
      var scores = found[0], sets = found[1], ids = [];
      if (!scores) {
        scores = new Map();
        for (var id = 0; id < manifest.n; id++) scores.set(id, [0]);
      }
      scores.forEach(function (_, id) {
        if (sets.every(function (set) { return set.has(id); })) ids.push(id);
      });
      return ids.sort(function (a, b) {
        var x = scores.get(a), y = scores.get(b);
        for (var i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
        return a - b;
      });
    });
  }

  // id → ranking key (smaller first) for the articles that match enough query words.
  function score(perWord, side) {
    var n = perWord.length;
    function keyFor(id) {
      var matched = 0, typos = 0, near = 0, fields = 0, exact = 0, where = [];
      perWord.forEach(function (m, i) {
        var s = m.get(id);
        where.push(s ? s.field : FIELDS);
        if (!s) return;
        matched++;
        typos += s.typo;
        exact += s.exact;
      });
      // Words side by side count in the field where they are side by side.
      var phrase = where.map(function () { return -1; });
      side.forEach(function (m, i) {
        var f = m.get(id);
        if (f === undefined) return;
        near++;
        phrase[i] = phrase[i] < 0 ? f : Math.min(phrase[i], f);
        phrase[i + 1] = phrase[i + 1] < 0 ? f : Math.min(phrase[i + 1], f);
      });
      where.forEach(function (f, i) { fields += phrase[i] < 0 ? f : phrase[i]; });
      return [-matched, typos, -near, fields, -exact];
    }
    // Only the ids of the word found in fewest articles can match them all.
    function collectAll() {
      var out = new Map(), fewest = perWord[0];
      perWord.forEach(function (m) { if (m.size < fewest.size) fewest = m; });
      fewest.forEach(function (_, id) {
        if (perWord.every(function (m) { return m.has(id); })) out.set(id, keyFor(id));
      });
      return out;
    }
    function collect(need) {
      var out = new Map(), seen = new Set();
      perWord.forEach(function (m) {
        m.forEach(function (_, id) {
          if (seen.has(id)) return;
          seen.add(id);
          var k = keyFor(id);
          if (-k[0] >= need) out.set(id, k);
        });
      });
      return out;
    }
    var all = collectAll();
    return all.size || n < 3 ? all : collect(n - 1);
  }

  function isMatch(word) {
    return tokens(word).some(function (t) { return highlight.has(keyOf(t)); });
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

  // Clusters and units the query names (by a name or another name, without its generic
  // lead): those whose name the query holds whole first, then those whose name holds the
  // query (of two words or more, the last one perhaps unfinished).
  function namedEntities(x, words, prefixLast) {
    var q = words.map(function (w) { return w.key; });
    function holds(long, short, prefix) {
      for (var at = 0; at + short.length <= long.length; at++) {
        var ok = true;
        for (var i = 0; i < short.length && ok; i++) {
          var a = long[at + i], b = short[i];
          ok = a === b || (prefix && i === short.length - 1 && a.lastIndexOf(b, 0) === 0);
        }
        if (ok) return true;
      }
      return false;
    }
    var whole = [], part = [];
    (x.e || []).forEach(function (e) {
      var names = e[3].map(function (n) { return queryWords(n).map(function (w) { return w.key; }); });
      if (names.some(function (n) { return n.length && holds(q, n, false); })) whole.push(e);
      else if (q.length >= 2 && names.some(function (n) { return holds(n, q, prefixLast); })) part.push(e);
    });
    return whole.concat(part).slice(0, 3);
  }

  function showEntities(found) {
    entities.textContent = "";
    found.forEach(function (e) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = root.getAttribute("data-base") + e[1];
      link.textContent = e[2];
      li.appendChild(link);
      li.appendChild(document.createTextNode(" · " + message("entity-" + e[0])));
      entities.appendChild(li);
    });
    entities.hidden = !found.length;
  }

  function search(state) {
    var mine = ++run;
    more.hidden = true;
    shown = [];
    order = [];
    var words = queryWords(state.q).filter(function (w, i, all) {
      return all.findIndex(function (o) { return o.key === w.key; }) === i;
    });
    var filtered = FILTERS.some(function (name) { return state[name]; });
    if (!words.length && !filtered) {
      list.textContent = "";
      showEntities([]);
      status.textContent = state.q ? message("empty") : "";
      root.setAttribute("data-done", state.q);
      return Promise.resolve();
    }
    root.setAttribute("aria-busy", "true");
    if (!state.typing) status.textContent = message("loading");
    return fetchJson("manifest.json", { cache: "no-cache" }).then(function (manifest) {
      if (manifest.v !== FORMAT) throw new Error("index format " + manifest.v);
      return Promise.all([rank(manifest, state, words), words.length ? lexicon(manifest) : null]).then(function (got) {
        if (mine !== run) return;
        var ids = got[0];
        order = ids;
        list.textContent = "";
        showEntities(got[1] ? namedEntities(got[1], words, state.prefix !== false) : []);
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
      if (mine === run) {
        list.textContent = "";
        status.textContent = message("failed");
      }
    }).then(function () {
      if (mine === run) {
        root.removeAttribute("aria-busy");
        root.setAttribute("data-done", state.q);
      }
    });
  }

  // Results follow the words as they are typed; the address changes on submit only, so
  // the history keeps searches, not keystrokes. The last word counts as unfinished
  // unless a space follows it.
  form.elements.q.addEventListener("input", function () {
    var state = formState();
    state.prefix = !/\s$/.test(form.elements.q.value);
    state.typing = true;
    search(state);
  });
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
