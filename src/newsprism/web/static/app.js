// newsprism story page: clicking a fact finds it in every article column.
// No data is read from anything but the page's own attributes; nothing is written as HTML.
(function () {
  "use strict";

  function factElements(id) {
    return document.querySelectorAll('[data-f~="' + CSS.escape(id) + '"]');
  }

  function scrollColumn(column, target) {
    var top = target.getBoundingClientRect().top - column.getBoundingClientRect().top;
    column.scrollTop += top - column.clientHeight / 3;
  }

  function selectFact(id) {
    document.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
    document.querySelectorAll("tr.selected").forEach(function (el) { el.classList.remove("selected"); });
    var found = factElements(id);
    found.forEach(function (el) { el.classList.add("hl"); });
    document.querySelectorAll('#matrix tr[data-fact="' + CSS.escape(id) + '"]').forEach(function (row) {
      row.classList.add("selected");
    });
    document.querySelectorAll(".col-body").forEach(function (column) {
      var first = column.querySelector('.hl');
      if (first) { scrollColumn(column, first); }
    });
    var pane = document.getElementById("articles");
    if (pane) {
      var rect = pane.getBoundingClientRect();
      if (rect.top < 0 || rect.top > window.innerHeight * 0.6) {
        pane.scrollIntoView({ block: "start" });
      }
    }
    return found.length;
  }

  function showTarget(hash) {
    if (!hash || hash.length < 2) { return; }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) { return; }
    document.querySelectorAll(".cited-now").forEach(function (el) { el.classList.remove("cited-now"); });
    target.classList.add("cited-now");
    var column = target.closest(".col-body");
    if (column) {
      scrollColumn(column, target);
      var pane = document.getElementById("articles");
      if (pane) { pane.scrollIntoView({ block: "start" }); }
    }
  }

  document.addEventListener("click", function (event) {
    var el = event.target;
    if (!(el instanceof Element)) { return; }
    var fact = el.closest("a.fact, a.yes");
    if (fact && fact.dataset.fact) {
      event.preventDefault();
      selectFact(fact.dataset.fact);
      history.replaceState(null, "", "#fact-" + fact.dataset.fact);
      return;
    }
    var mark = el.closest(".m[data-f]");
    if (mark && !el.closest("a")) {
      selectFact(mark.dataset.f.split(" ")[0]);
      return;
    }
    var cite = el.closest("a.cite");
    if (cite) {
      var hash = cite.getAttribute("href") || "";
      if (hash.charAt(0) === "#") {
        event.preventDefault();
        history.pushState(null, "", hash);
        showTarget(hash);
      }
    }
  });

  window.addEventListener("hashchange", function () { showTarget(location.hash); });
  document.addEventListener("DOMContentLoaded", function () {
    if (location.hash.indexOf("#fact-") === 0) {
      selectFact(location.hash.slice(6));
    } else {
      showTarget(location.hash);
    }
  });
})();
