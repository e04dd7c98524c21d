/* Sort the exercise library's index table by any column (backcourse.book.sphinxext.library).
 *
 * Progressive enhancement: without script the table is still there, in the library's own order.
 * Each column heading becomes a button; pressing it sorts by that column, pressing again reverses.
 * Phases sort in the order a learner meets them (acute, recovering, maintenance), not alphabetically.
 */
(function () {
  "use strict";
  var PHASE_ORDER = { acute: 0, recovering: 1, maintenance: 2 };

  function cellKey(row, column, isPhase) {
    var text = (row.cells[column].textContent || "").trim().toLowerCase();
    if (!isPhase) { return text; }
    // "acute, recovering" -> "0-1": earliest phase first, then the rest.
    return text.split(",").map(function (p) {
      var order = PHASE_ORDER[p.trim()];
      return order === undefined ? "9" : String(order);
    }).join("-");
  }

  function enhance(table) {
    var head = table.tHead;
    var body = table.tBodies[0];
    if (!head || !body) { return; }
    var headers = head.rows[0].cells;
    var original = Array.prototype.slice.call(body.rows);
    var state = { column: -1, ascending: true };

    Array.prototype.forEach.call(headers, function (th, column) {
      var label = (th.textContent || "").trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "exercise-sort";
      button.textContent = label;
      button.setAttribute("aria-label", "Sort by " + label.toLowerCase());
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        state.ascending = state.column === column ? !state.ascending : true;
        state.column = column;
        var isPhase = label.toLowerCase() === "phases";
        var rows = original.slice();
        rows.sort(function (a, b) {
          var ka = cellKey(a, column, isPhase);
          var kb = cellKey(b, column, isPhase);
          if (ka === kb) { return original.indexOf(a) - original.indexOf(b); }
          return (ka < kb ? -1 : 1) * (state.ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
        Array.prototype.forEach.call(headers, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", state.ascending ? "ascending" : "descending");
      });
    });
  }

  function start() {
    var tables = document.querySelectorAll("table.exercise-index");
    Array.prototype.forEach.call(tables, enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
