"""The script injected into both preview pages: splices body blocks, follows the cursor."""

from __future__ import annotations

DOM_SCRIPT = r"""
(function () {
  "use strict";
  if (window.ddPreview) { return; }
  function container(id) { return document.getElementById(id); }
  function splice(id, start, del, inserted, linesFrom, lines, total) {
    var box = container(id);
    if (!box) { return -1; }
    var kids = box.children;
    if (start + del > kids.length) { return -1; }
    for (var i = 0; i < del; i++) { box.removeChild(kids[start]); }
    var before = kids[start] || null;
    if (inserted.length) {
      var tpl = document.createElement("template");
      tpl.innerHTML = inserted.join("");
      box.insertBefore(tpl.content, before);
    }
    for (var j = 0; j < lines.length && linesFrom + j < kids.length; j++) {
      kids[linesFrom + j].setAttribute("data-line", String(lines[j]));
    }
    return kids.length === total ? total : -1;
  }
  function blockAt(id, line) {
    var box = container(id);
    if (!box) { return null; }
    var kids = box.children, lo = 0, hi = kids.length - 1, found = null;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      var at = parseInt(kids[mid].getAttribute("data-line") || "0", 10);
      if (at <= line) { found = kids[mid]; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found || kids[0] || null;
  }
  function follow(id, line) {
    var el = blockAt(id, line);
    if (!el) { return null; }
    var r = el.getBoundingClientRect(), h = window.innerHeight;
    if (r.top < 0 || r.top > h - Math.min(r.height, h / 3)) {
      window.scrollTo(window.scrollX, window.scrollY + r.top - h / 4);
    }
    return parseInt(el.getAttribute("data-line") || "0", 10);
  }
  window.ddPreview = { splice: splice, follow: follow, blockAt: blockAt };
})();
"""
