// The review page's only script: jump to a quote's moment, count characters per post as you type, and say that a
// rename is making the drafts again (minutes with the embedded model).
"use strict";

function jump(el, event) {
  const player = document.getElementById("player");
  const segment = el.dataset.seg && document.getElementById("seg-" + el.dataset.seg);
  if (segment) {
    document.querySelectorAll(".segment.current").forEach((s) => s.classList.remove("current"));
    segment.classList.add("current");
    const pane = segment.parentElement; // centre it in the transcript pane, without jumping the whole page
    pane.scrollTop = segment.offsetTop - pane.clientHeight / 2 + segment.clientHeight / 2;
    segment.scrollIntoView({ block: "nearest" });
  }
  if (player && el.dataset.t) {
    event.preventDefault();
    player.currentTime = parseFloat(el.dataset.t);
  } else if (!el.getAttribute("href") || el.getAttribute("href") === "#") {
    event.preventDefault(); // no player: a timestamp link to the source's site still opens it
  }
}

document.addEventListener("click", (event) => {
  const el = event.target.closest(".ts");
  if (el) jump(el, event);
});

function followPlayer() {
  const player = document.getElementById("player");
  if (!player) return;
  const segments = [...document.querySelectorAll(".segment[data-t]")];
  player.addEventListener("timeupdate", () => {
    const now = player.currentTime;
    let playing = null;
    for (const s of segments) if (parseFloat(s.dataset.t) <= now) playing = s;
    segments.forEach((s) => s.classList.toggle("playing", s === playing));
  });
}

// Mirrors pipeline/check/drafts.py: a post is the raw markdown under its heading, up to the next heading, trimmed.
function sections(text) {
  const lines = text.split("\n");
  if (lines[0].trim() === "---") {
    const end = lines.findIndex((line, i) => i > 0 && (line.trim() === "---" || line.trim() === "..."));
    if (end > 0) lines.splice(0, end + 1);
  }
  const found = [];
  let fence = false, current = null;
  for (const line of lines) {
    if (/^ {0,3}(```|~~~)/.test(line)) fence = !fence;
    const heading = !fence && /^ {0,3}#{1,6}(?:\s+(.*?))?\s*#*\s*$/.exec(line);
    if (heading) {
      current = { heading: (heading[1] || "").trim(), lines: [] };
      found.push(current);
    } else if (current) current.lines.push(line);
  }
  return found.map((s) => ({ heading: s.heading, text: s.lines.join("\n").trim() }));
}

// Mirrors pipeline/format/limits.py x_length: X's weighted length (twitter-text v3). After NFC a link counts xLink, an emoji
// (flag, keycap, or pictographs with variation selector, skin tone, tags, joined by ZWJ) 2, a code point in X_LIGHT 1
// and any other 2 (Chinese, Japanese, Korean, most symbols).
const X_LIGHT = [[0, 4351], [8192, 8205], [8208, 8223], [8242, 8247]];
const PICTOGRAPH = String.raw`(?:[\u{1F000}-\u{1FAFF}\u2190-\u21FF\u2300-\u23FF\u25A0-\u27BF\u2900-\u297F\u2B00-\u2BFF\u203C\u2049\u2122\u2139\u3030\u303D\u3297\u3299]\uFE0F?|[\u00A9\u00AE]\uFE0F)[\u{1F3FB}-\u{1F3FF}]?[\u{E0020}-\u{E007F}]*`;
const X_TOKEN = new RegExp(String.raw`(https?:\/\/\S+)|([\u{1F1E6}-\u{1F1FF}]{2}|[0-9#*]\uFE0F?\u20E3|${PICTOGRAPH}(?:\u200D${PICTOGRAPH})*)|.`, "gsu");

function xLength(text, xLink) {
  let total = 0;
  for (const [token, url, emoji] of text.normalize("NFC").matchAll(X_TOKEN)) {
    if (url) total += xLink;
    else if (emoji) total += 2;
    else {
      const point = token.codePointAt(0);
      total += X_LIGHT.some(([low, high]) => low <= point && point <= high) ? 1 : 2;
    }
  }
  return total;
}

function countPosts() {
  const area = document.getElementById("text"), list = document.getElementById("counts");
  if (!area || !list) return;
  const xPost = +area.dataset.xPost, xLink = +area.dataset.xLink, discord = +area.dataset.discord;
  const update = () => {
    list.replaceChildren();
    for (const { heading, text } of sections(area.value)) {
      let used = null, limit = null;
      if (area.dataset.kind === "hooks" && /^X post\b/i.test(heading)) [used, limit] = [xLength(text, xLink), xPost];
      if (area.dataset.kind === "community" && heading.toLowerCase().startsWith("discord")) [used, limit] = [[...text].length, discord];
      if (used === null) continue;
      const item = document.createElement("li");
      item.className = used > limit ? "over" : "ok";
      item.textContent = `${heading.split("(")[0].trim()}: ${used}/${limit}`;
      list.append(item);
    }
  };
  area.addEventListener("input", update);
  update();
}

function renaming() {
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form.rename");
    if (!form) return;
    document.querySelectorAll("form.rename button").forEach((button) => (button.disabled = true));
    const note = document.createElement("p");
    note.className = "flash";
    note.textContent = "Renaming, then making the drafts again from the outline… (minutes with the embedded model)";
    form.after(note);
  });
}

followPlayer();
countPosts();
renaming();
