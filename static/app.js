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
// Previous/next hit inside a talk (n / p keys too).
(function () {
  "use strict";
  var hits = Array.prototype.slice.call(document.querySelectorAll(".segment.hit"));
  var position = document.querySelector(".hit-pos");
  if (!hits.length || !position) return;
  var current = -1;
  var fromHash = hits.findIndex(function (el) { return "#" + el.id === location.hash; });
  if (fromHash >= 0) current = fromHash;
  function show(index) {
    if (current >= 0) hits[current].classList.remove("current");
    current = (index + hits.length) % hits.length;
    var target = hits[current];
    target.classList.add("current");
    history.replaceState(null, "", "#" + target.id);
    target.scrollIntoView({ block: "center" });
    position.textContent = (current + 1) + " / " + hits.length;
  }
  position.textContent = (current >= 0 ? current + 1 : 0) + " / " + hits.length;
  document.querySelectorAll("[data-step]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      show(current + Number(link.getAttribute("data-step")));
    });
  });
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea") return;
    if (event.key === "n") show(current + 1);
    if (event.key === "p") show(current - 1);
  });
})();
