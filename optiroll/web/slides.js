"use strict";
// optiroll's lecture slides. A slide is a section of the lecture and plays its clip (beside this
// page); a stop is a time in that clip where the slides hold. Every time, note and caption comes
// from the data optiroll wrote into this page: the page computes none of them.
//
// The same page is the presenter view when its address ends in #presenter: opened by `p` as a
// second window, it shows the notes, and the two talk by postMessage (a page opened from a file
// has an origin of its own, so BroadcastChannel and shared storage would not reach the other).
(() => {
  const data = JSON.parse(document.getElementById("optiroll-slides").textContent);
  const W = data.words;
  const slides = data.slides;
  const FRAME = 1 / data.fps;
  const byId = (id) => document.getElementById(id);
  const last = (list) => list[list.length - 1];

  // A key as the command it gives (clickers send PageDown and PageUp, or the arrows).
  function command(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return null;
    switch (e.key) {
      case "ArrowRight": case "PageDown":
        return e.shiftKey ? "nextSlide" : "next";
      case "ArrowDown": case " ": case "Enter":
        return "next";
      case "ArrowLeft": case "PageUp":
        return e.shiftKey ? "previousSlide" : "previous";
      case "ArrowUp": case "Backspace":
        return "previous";
      case "Home": return "first";
      case "End": return "last";
      case "f": case "F": return "fullscreen";
      case "c": case "C": return "captions";
      case "p": case "P": return "presenter";
      case "b": case "B": case ".": return "blank";
      case "?": return "help";
      case "Escape": return "escape";
      default: return null;
    }
  }

  const help = byId("help");
  byId("help-title").textContent = W.help_title;
  for (const [keys, what] of W.keys) {
    const row = byId("help-keys").insertRow();
    row.insertCell().textContent = keys;
    row.insertCell().textContent = what;
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  }

  if (location.hash === "#presenter") presenterView();
  else slideShow();

  // --- the slides -------------------------------------------------------------------------------

  function slideShow() {
    const stage = byId("stage");
    const videos = [...stage.querySelectorAll("video")];
    const status = byId("status");
    let active = 0;
    let here = { slide: 0, stop: 0 }; // the stop shown, or the one a playing segment started at
    let target = null; // the stop a segment is playing to
    let generation = 0; // each move counts one; an older move's callbacks then do nothing
    let captions = false;
    let presenter = null;
    let statusTimer = 0;
    const captionUrls = new Map();

    function say(text, lasting = 1600) {
      status.textContent = text;
      status.classList.add("shown");
      clearTimeout(statusTimer);
      statusTimer = setTimeout(() => status.classList.remove("shown"), lasting);
    }

    function where(at) {
      const count = slides[at.slide].stops.length;
      return `${W.slide} ${at.slide + 1} / ${slides.length} · ${at.stop + 1} / ${count}`;
    }

    function captionsUrl(s) {
      if (!captionUrls.has(s)) {
        const blob = new Blob([slides[s].captions], { type: "text/vtt" });
        captionUrls.set(s, URL.createObjectURL(blob));
      }
      return captionUrls.get(s);
    }

    function showCaptions(v) {
      for (const track of v.textTracks) track.mode = captions ? "showing" : "hidden";
    }

    // Put slide s's clip in video v; resolves once its first frame can be shown.
    function load(v, s) {
      v.ready = new Promise((resolve) => {
        v.pause();
        for (const track of v.querySelectorAll("track")) track.remove();
        v.dataset.slide = String(s);
        v.src = slides[s].clip;
        if (slides[s].captions) {
          const track = document.createElement("track");
          track.kind = "captions";
          track.srclang = data.lang;
          track.label = data.lang;
          track.src = captionsUrl(s);
          v.appendChild(track);
          showCaptions(v);
        }
        v.addEventListener("loadeddata", () => resolve(v), { once: true });
        v.load();
      });
      return v.ready;
    }

    function seek(v, time) {
      return new Promise((resolve) => {
        if (Math.abs(v.currentTime - time) < 1e-4 && !v.seeking) {
          resolve(v);
          return;
        }
        v.addEventListener("seeked", () => resolve(v), { once: true });
        v.currentTime = time;
      });
    }

    // Slide s's clip on screen at `time`: the other video loads and seeks while this one still
    // shows, then they swap, so a new section never opens on an empty frame.
    async function show(s, time) {
      const current = videos[active];
      if (current.dataset.slide === String(s)) return seek(current, time);
      const other = videos[1 - active];
      if (other.dataset.slide !== String(s)) load(other, s);
      await other.ready;
      await seek(other, time);
      return other;
    }

    function activate(v, gen) {
      if (gen !== generation || v === videos[active]) return;
      videos[active].pause();
      videos[active].classList.remove("active");
      v.classList.add("active");
      active = videos.indexOf(v);
      showCaptions(v);
    }

    function preloadNext() {
      const next = here.slide + 1;
      const other = videos[1 - active];
      if (next < slides.length && other.dataset.slide !== String(next)) {
        load(other, next).then((v) => seek(v, 0));
      }
    }

    function publish() {
      stage.dataset.slide = String(here.slide);
      stage.dataset.stop = String(here.stop);
      stage.dataset.playing = target ? "true" : "false";
      const total = slides.reduce((n, slide) => n + slide.stops.length, 0);
      const before = slides.slice(0, here.slide).reduce((n, slide) => n + slide.stops.length, 0);
      byId("progress").style.width = `${(100 * (before + here.stop)) / Math.max(1, total - 1)}%`;
      if (!target) history.replaceState(null, "", `#${here.slide + 1}.${here.stop + 1}`);
      tellPresenter();
    }

    // Hold at stop i of slide s, without playing toward it.
    async function goTo(s, i) {
      const gen = ++generation;
      target = null;
      here = { slide: s, stop: i }; // at once: a key pressed meanwhile counts from here
      const v = await show(s, slides[s].stops[i].at);
      if (gen !== generation) return;
      v.pause();
      activate(v, gen);
      publish();
      say(where(here));
      preloadNext();
    }

    // Play slide s's clip from `from` (seconds) until its stop i, and hold there.
    async function playTo(s, from, i) {
      const gen = ++generation;
      target = { slide: s, stop: i };
      publish();
      const stop = slides[s].stops[i];
      const v = await show(s, from);
      if (gen !== generation) return;
      activate(v, gen);
      if (from + 1.5 * FRAME >= stop.at) {
        arrive(v, gen);
        return;
      }
      let arrived = false;
      const check = (time) => {
        if (gen !== generation || arrived) return;
        // Pause a frame early and seek to the stop: playback never shows a frame past it.
        if (v.ended || time + 1.5 * FRAME >= stop.at) {
          arrived = true;
          arrive(v, gen);
        } else watch();
      };
      const watch = v.requestVideoFrameCallback
        ? () => v.requestVideoFrameCallback((now, frame) => check(frame.mediaTime))
        : () => requestAnimationFrame(() => check(v.currentTime));
      v.addEventListener("ended", () => check(v.duration), { once: true });
      watch();
      v.play().catch(() => check(stop.at)); // a browser that refuses to play still gets there
    }

    async function arrive(v, gen) {
      if (gen !== generation || !target) return;
      const reached = target;
      v.pause();
      await seek(v, slides[reached.slide].stops[reached.stop].at);
      if (gen !== generation) return;
      here = reached;
      target = null;
      publish();
      preloadNext();
    }

    function next() {
      if (target) {
        goTo(target.slide, target.stop); // the teacher is ahead of the clip: be there now
        return;
      }
      const stops = slides[here.slide].stops;
      if (here.stop + 1 < stops.length) playTo(here.slide, stops[here.stop].resume, here.stop + 1);
      else if (here.slide + 1 < slides.length) playTo(here.slide + 1, 0, 0);
      else say(W.end);
    }

    function previous() {
      if (target) goTo(here.slide, here.stop); // back to where this segment started
      else if (here.stop > 0) goTo(here.slide, here.stop - 1);
      else if (here.slide > 0) goTo(here.slide - 1, slides[here.slide - 1].stops.length - 1);
    }

    function openPresenter() {
      const url = location.href.split("#")[0] + "#presenter";
      presenter = window.open(url, "optiroll-presenter", "width=1000,height=720");
      if (!presenter) say(W.popup_blocked, 5000);
    }

    function tellPresenter() {
      if (!presenter || presenter.closed) return;
      presenter.postMessage({ optiroll: "state", here, target, captions }, "*");
    }

    const commands = {
      next,
      previous,
      nextSlide: () => {
        // Play on through the slide's stops to its last, or on to the next slide from there.
        const at = target || here;
        const end = slides[at.slide].stops.length - 1;
        const v = videos[active];
        let from = slides[here.slide].stops[here.stop].resume;
        if (target) from = v.dataset.slide === String(target.slide) ? v.currentTime : 0;
        if (at.stop < end) playTo(at.slide, from, end);
        else if (at.slide + 1 < slides.length) playTo(at.slide + 1, 0, 0);
        else say(W.end);
      },
      previousSlide: () => {
        // The slide's first stop, or the previous slide's when already there.
        const inside = target || here.stop > 0 || here.slide === 0;
        goTo(inside ? here.slide : here.slide - 1, 0);
      },
      first: () => goTo(0, 0),
      last: () => goTo(slides.length - 1, last(slides).stops.length - 1),
      fullscreen: toggleFullscreen,
      captions: () => {
        captions = !captions;
        videos.forEach(showCaptions);
        const none = captions && !slides[here.slide].captions;
        say(none ? W.no_captions : captions ? W.captions_on : W.captions_off);
        tellPresenter();
      },
      presenter: openPresenter,
      blank: () => {
        byId("blank").hidden = !byId("blank").hidden;
      },
      help: () => {
        help.hidden = !help.hidden;
      },
      escape: () => {
        help.hidden = true;
      },
    };

    document.addEventListener("keydown", (e) => {
      const name = command(e);
      if (!name) return;
      e.preventDefault();
      if (!help.hidden && name !== "help" && name !== "escape") help.hidden = true;
      commands[name]();
    });
    stage.addEventListener("click", () => commands.next());
    help.addEventListener("click", () => commands.escape());
    // The pointer hides over a still stage, as a projector's audience needs no cursor.
    let pointerTimer = 0;
    stage.addEventListener("pointermove", () => {
      stage.classList.remove("still");
      clearTimeout(pointerTimer);
      pointerTimer = setTimeout(() => stage.classList.add("still"), 2000);
    });
    window.addEventListener("message", (e) => {
      const message = e.data;
      if (!message || typeof message !== "object") return;
      if (message.optiroll === "hello") {
        presenter = e.source; // the presenter view, also after this page reloaded
        tellPresenter();
      } else if (message.optiroll === "command" && e.source === presenter) {
        const name = message.command;
        if (Object.hasOwn(commands, name) && !["fullscreen", "presenter"].includes(name)) {
          commands[name]();
        }
      }
    });
    for (const v of videos) {
      v.addEventListener("error", () => {
        if (v.dataset.slide) say(`✕ ${slides[Number(v.dataset.slide)].clip}`, 5000);
      });
    }

    // Open at the stop the address names (#slide.stop, kept as the teacher moves), else the first.
    const [s, i] = location.hash.slice(1).split(".").map((n) => Number(n) - 1);
    const known = Number.isInteger(s) && s >= 0 && s < slides.length;
    const start = known && Number.isInteger(i) && i >= 0 && i < slides[s].stops.length;
    goTo(start ? s : 0, start ? i : 0).then(() => say(W.hint, 2500));
  }

  // --- the presenter view -----------------------------------------------------------------------

  function presenterView() {
    byId("stage").hidden = true;
    const view = byId("presenter");
    view.hidden = false;
    document.title = `${W.presenter_title} · ${document.title}`;
    byId("p-next-title").textContent = W.next;
    const opened = Date.now();
    const main = window.opener;

    function send(message) {
      if (main && !main.closed) main.postMessage(message, "*");
    }

    function notes(s, i) {
      const slide = slides[s];
      return `${slide.notes}<div class="stop-notes">${slide.stops[i].notes}</div>`;
    }

    // The picture the audience sees at the stop (or will, once the clip has played to it).
    function picture(at) {
      const v = byId("p-picture");
      const clip = slides[at.slide].clip;
      if (v.dataset.clip !== clip) {
        v.dataset.clip = clip;
        v.src = clip;
      }
      v.currentTime = slides[at.slide].stops[at.stop].at;
    }

    function render(state) {
      const at = state.target || state.here;
      const slide = slides[at.slide];
      if (view.dataset.slide !== String(at.slide) || view.dataset.stop !== String(at.stop)) {
        picture(at);
      }
      byId("p-heading").innerHTML = slide.heading;
      byId("p-where").textContent =
        `${W.slide} ${at.slide + 1} / ${slides.length} · ${at.stop + 1} / ${slide.stops.length}` +
        (state.captions ? ` · ${W.captions_on}` : "");
      byId("p-notes").innerHTML = notes(at.slide, at.stop);
      let following = null;
      if (at.stop + 1 < slide.stops.length) following = { slide: at.slide, stop: at.stop + 1 };
      else if (at.slide + 1 < slides.length) following = { slide: at.slide + 1, stop: 0 };
      byId("p-next").innerHTML = following
        ? `<p><strong>${slides[following.slide].heading}</strong></p>` +
          slides[following.slide].stops[following.stop].notes
        : `<p>${W.end}</p>`;
      view.dataset.slide = String(at.slide);
      view.dataset.stop = String(at.stop);
    }

    function tick() {
      const seconds = Math.floor((Date.now() - opened) / 1000);
      byId("p-elapsed").textContent =
        `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
      byId("p-time").textContent = new Date().toLocaleTimeString(data.lang, {
        hour: "2-digit", minute: "2-digit",
      });
      if (!main || main.closed) {
        byId("p-notes").textContent = W.presenter_alone;
        shown = "";
      }
    }

    let shown = "";
    window.addEventListener("message", (e) => {
      if (e.source !== main || !e.data || e.data.optiroll !== "state") return;
      const state = JSON.stringify(e.data);
      if (state !== shown) render(e.data); // the same state comes back every second
      shown = state;
    });
    document.addEventListener("keydown", (e) => {
      const name = command(e);
      if (!name) return;
      e.preventDefault();
      if (name === "fullscreen") toggleFullscreen();
      else if (name === "help") help.hidden = !help.hidden;
      else if (name === "escape") help.hidden = true;
      else if (name !== "presenter") send({ optiroll: "command", command: name });
    });
    // Said every second, so a slides window that reloads finds its presenter view again.
    send({ optiroll: "hello" });
    setInterval(() => send({ optiroll: "hello" }), 1000);
    setInterval(tick, 1000);
    tick();
  }
})();
