/* The course's reader script, inlined in every page by backcourse/book/sphinxext/assets.py (no request).
   - Print: the Print button prints the page; before printing, every folded part (<details>, such as the weeks
     of a routine) is opened so the paper shows all of it, and closed again afterwards.
   - Search snippets: Sphinx's search shows the start of a page's main region, where the theme keeps its
     button bar; those buttons are left out of the snippet text. */
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".course-print");
    if (button) { event.preventDefault(); window.print(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Search || !window.Search.htmlToText) return;
    var toText = window.Search.htmlToText;
    window.Search.htmlToText = function (html, anchor) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      doc.querySelectorAll(".bd-header-article, #jb-print-docs-body, .prev-next-area, .bd-footer-article")
        .forEach(function (el) { el.remove(); });
      return toText(doc.documentElement.outerHTML, anchor);
    };
  });
})();
