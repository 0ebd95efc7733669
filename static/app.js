// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Clicking a segment number copies its permalink (and still navigates to it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.anchor");
    if (!link || !navigator.clipboard) return;
    var url = location.origin + location.pathname + link.getAttribute("href");
    navigator.clipboard.writeText(url).then(function () {
      var note = document.createElement("span");
      note.className = "copied";
      note.textContent = "link copied";
      link.parentNode.querySelector("p").appendChild(note);
      setTimeout(function () { note.remove(); }, 1500);
    }, function () {});
  });
  // "/" focuses the search box, as on most search sites.
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.key === "/" && tag !== "input" && tag !== "textarea") {
      var box = document.getElementById("site-q");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    }
  });
})();
