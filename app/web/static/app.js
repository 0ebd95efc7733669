// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // One polite live region tells screen-reader users what a click copied.
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Plain http on another host (a laptop on the LAN): the old way still works.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var done = document.execCommand("copy");
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function tell(segment, message) {
    status.textContent = message;
    var old = segment.querySelector(".copied");
    if (old) old.remove();
    var note = document.createElement("span");
    note.className = "copied";
    note.textContent = message;
    segment.querySelector("p").appendChild(note);
    setTimeout(function () { note.remove(); }, 1800);
  }
  function permalink(segment) { return location.origin + location.pathname + "#" + segment.id; }
  function citation(segment) {
    var talk = document.querySelector("article.talk");
    var paragraph = segment.querySelector("p").cloneNode(true);
    var who = paragraph.querySelector(".who");
    paragraph.querySelectorAll(".who, .copied").forEach(function (el) { el.remove(); });
    var speaker = who ? who.textContent.replace(/\?$/, "") : talk.dataset.speaker;
    var source = [speaker, talk.dataset.title, talk.dataset.where].filter(Boolean).join(", ");
    return "“" + paragraph.textContent.trim() + "”\n— " + source + "\n" + permalink(segment);
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : event.target.parentElement;
    // Clicking a segment number copies its permalink (and still navigates to it).
    var link = target && target.closest("a.anchor");
    if (link) {
      var segment = link.closest(".segment");
      copy(permalink(segment)).then(function () { tell(segment, "link copied"); }, function () {});
      return;
    }
    // "Cite" copies the quote with its speaker, talk and permalink.
    var cite = target && target.closest("button.cite");
    if (cite) {
      var quoted = cite.closest(".segment");
      copy(citation(quoted)).then(
        function () { tell(quoted, "citation copied"); },
        function () { tell(quoted, "could not copy"); });
    }
  });
  // "/" focuses the search box, as on most search sites.
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.key === "/" && tag !== "input" && tag !== "textarea" && !event.ctrlKey && !event.metaKey) {
      var box = document.getElementById("site-q");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    }
  });
  // On a phone the facets would push every result below the fold: start them folded.
  if (window.matchMedia("(max-width: 52rem)").matches) {
    document.querySelectorAll(".facets details[open]").forEach(function (details) {
      if (!details.querySelector("strong")) details.open = false;
    });
  }
})();
// Previous/next hit inside a talk (n / p keys too).
(function () {
  "use strict";
  var hits = Array.prototype.slice.call(document.querySelectorAll(".segment.hit"));
  var position = document.querySelector(".hit-pos");
  if (!hits.length || !position) return;
  var numbers = hits.map(function (el) { return Number(el.id.slice(1)); });
  // The index of the current hit; x.5 when the reader is between hits x and x + 1.
  var current = -0.5;
  function fromHash() {
    var match = /^#s(\d+)$/.exec(location.hash);
    if (!match) return;
    var number = Number(match[1]);
    var next = numbers.findIndex(function (n) { return n >= number; });
    if (next < 0) next = hits.length;
    mark(numbers[next] === number ? next : next - 0.5);
  }
  function mark(index) {
    var old = document.querySelector(".segment.hit.current");
    if (old) old.classList.remove("current");
    current = index;
    if (Number.isInteger(index)) hits[index].classList.add("current");
    position.textContent = (Number.isInteger(index) ? index + 1 : "–") + " / " + hits.length;
  }
  function step(direction) {
    var index = direction > 0 ? Math.floor(current) + 1 : Math.ceil(current) - 1;
    index = (index + hits.length) % hits.length;
    mark(index);
    history.replaceState(null, "", "#" + hits[index].id);
    hits[index].scrollIntoView({ block: "center" });
  }
  mark(current);
  fromHash();
  window.addEventListener("hashchange", fromHash);
  document.querySelectorAll("[data-step]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      step(Number(link.getAttribute("data-step")));
    });
  });
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "n") step(1);
    if (event.key === "p") step(-1);
  });
})();
