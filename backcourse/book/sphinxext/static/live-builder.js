// The live routine builder (backcourse/book/sphinxext/livebuilder.py): reads the form, and only when the reader
// presses "Build my plan here" loads Pyodide and the course's Python engine from this book's own files
// (_static/pyodide/ and _static/live/, written by the build). The plan, the handout, the calendar and the CSV
// all come from backcourse.routine.browser, i.e. the same Python as the notebook. Nothing is sent anywhere;
// "Keep my answers" uses this browser's localStorage, and "Delete kept answers" removes it.
(function () {
  "use strict";
  const KEY = "backcourse-live-builder";
  const root = document.getElementById("live-builder");
  if (!root) return;
  const staticBase = new URL(root.dataset.static, document.baseURI);
  const form = root.querySelector(".live-form");
  const status = root.querySelector(".live-status");
  const progress = root.querySelector(".live-progress");
  const result = root.querySelector(".live-result");
  const actions = root.querySelector(".live-actions");
  const kept = root.querySelector(".live-kept");
  const button = root.querySelector(".live-build");
  root.querySelector(".live-nojs").hidden = true;

  let engine = null;      // backcourse.routine.browser, once loaded
  let pyodide = null;
  let loading = null;     // the promise of loading, so two presses load once
  let calendarLoaded = false;

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("live-error", !!isError);
  }

  function nextMonday() {
    const d = new Date();
    d.setDate(d.getDate() + ((8 - d.getDay()) % 7 || 7));
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  // --- The form as data (what Python reads), and back ------------------------------------------------------
  function readForm() {
    const answers = {};
    root.querySelectorAll("fieldset[data-question]").forEach((fs) => {
      const picked = fs.querySelector("input:checked");
      answers[fs.dataset.question] = picked ? picked.value : null;
    });
    const value = (name) => form.elements[name].value;
    const ticked = (name) => Array.from(form.querySelectorAll(`input[name="${name}"]:checked`)).map((i) => i.value);
    return {
      answers,
      cleared: form.elements.cleared.checked,
      profile: {
        phase: value("phase"), aggravated_by: ticked("aggravated_by"), equipment: ticked("equipment"),
        minutes_per_session: value("minutes_per_session"), sessions_per_week: value("sessions_per_week"),
        aerobic: value("aerobic"), aerobic_minutes_now: value("aerobic_minutes_now"),
        aerobic_days_now: value("aerobic_days_now"),
      },
      weeks: value("weeks"),
      start: value("start"),
    };
  }

  function fillForm(data) {
    Object.entries(data.answers || {}).forEach(([id, v]) => {
      form.querySelectorAll(`input[name="q-${id}"]`).forEach((i) => { i.checked = i.value === v; });
    });
    form.elements.cleared.checked = !!data.cleared;
    const p = data.profile || {};
    ["phase", "minutes_per_session", "sessions_per_week", "aerobic", "aerobic_minutes_now", "aerobic_days_now"]
      .forEach((name) => { if (p[name] !== undefined) form.elements[name].value = p[name]; });
    ["aggravated_by", "equipment"].forEach((name) => {
      form.querySelectorAll(`input[name="${name}"]`).forEach((i) => { i.checked = (p[name] || []).includes(i.value); });
    });
    if (data.weeks) form.elements.weeks.value = data.weeks;
    if (data.start) form.elements.start.value = data.start;
  }

  // --- Loading Python and the engine (only after the button) ------------------------------------------------
  async function fetchBytes(path) {
    const response = await fetch(new URL(path, staticBase));
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  function load() {
    if (loading) return loading;
    loading = (async () => {
      progress.hidden = false;
      progress.value = 0;
      say("Step 1 of 3: loading Python into this page (about 14 MB, which can take a minute on a slow connection)...");
      const { loadPyodide } = await import(new URL("pyodide/pyodide.mjs", staticBase).href);
      pyodide = await loadPyodide({ indexURL: new URL("pyodide/", staticBase).href, stdout: () => {}, stderr: () => {} });
      performance.mark("live-builder:python");
      progress.value = 1;
      say("Step 2 of 3: loading the course's routine builder...");
      pyodide.unpackArchive(await fetchBytes("live/engine.zip"), "zip", { extractDir: "/home/pyodide/course" });
      pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/course')");
      engine = pyodide.pyimport("backcourse.routine.browser");
      engine.use_prerendered_drawings();
      performance.mark("live-builder:engine");
      progress.value = 2;
    })();
    loading.catch(() => { loading = null; });
    return loading;
  }

  async function build() {
    if (typeof WebAssembly !== "object") {
      say("This browser cannot run the builder here: it has no WebAssembly. Please run the notebook instead.", true);
      return;
    }
    button.disabled = true;
    performance.mark("live-builder:press");
    try {
      const first = !engine;
      await load();
      if (first) say("Step 3 of 3: building your plan...");
      const out = JSON.parse(engine.build(JSON.stringify(readForm())));
      progress.value = 3;
      progress.hidden = true;
      if (out.status === "error") {
        say(out.message, true);
        return;
      }
      result.innerHTML = out.html;
      performance.mark("live-builder:plan");
      result.dataset.status = out.status;
      actions.hidden = out.status !== "plan";
      say(out.status === "plan" ? "Your plan is ready below." : "No plan: please read the message below.");
      if (first) result.focus();
    } catch (err) {
      progress.hidden = true;
      say("Sorry, the builder could not run here: " + err.message, true);
    } finally {
      button.disabled = false;
    }
  }

  // --- Downloads, made in the browser ----------------------------------------------------------------------
  const TYPES = { html: "text/html", ics: "text/calendar", csv: "text/csv" };
  async function download(kind) {
    try {
      if (kind === "ics" && !calendarLoaded) {
        say("Loading the calendar maker...");
        pyodide.unpackArchive(await fetchBytes("live/calendar.zip"), "zip", { extractDir: "/home/pyodide/course" });
        calendarLoaded = true;
      }
      let data = engine.export(JSON.stringify(readForm()), kind);
      if (data && typeof data.toJs === "function") {
        const bytes = data.toJs();
        data.destroy();
        data = bytes;
      }
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([data], { type: TYPES[kind] }));
      link.download = `my-back-routine.${kind}`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
      say(`Saved my-back-routine.${kind} to your downloads.`);
    } catch (err) {
      say("Sorry, that file could not be made: " + err.message, true);
    }
  }

  // --- Wiring ----------------------------------------------------------------------------------------------
  if (!form.elements.start.value) form.elements.start.value = nextMonday();
  try {
    const saved = localStorage.getItem(KEY);
    if (saved) {
      fillForm(JSON.parse(saved));
      kept.textContent = "Your kept answers are filled in.";
    }
  } catch (err) { /* storage switched off: nothing was kept */ }

  form.addEventListener("submit", (event) => { event.preventDefault(); build(); });
  form.addEventListener("change", () => { if (engine) build(); });
  actions.addEventListener("click", (event) => {
    const kind = event.target.dataset && event.target.dataset.download;
    if (kind && engine) download(kind);
  });
  root.querySelector(".live-save").addEventListener("click", () => {
    try {
      localStorage.setItem(KEY, JSON.stringify(readForm()));
      kept.textContent = "Kept in this browser only. Press \u201cDelete kept answers\u201d to remove them.";
    } catch (err) {
      kept.textContent = "This browser does not allow keeping answers.";
    }
  });
  root.querySelector(".live-forget").addEventListener("click", () => {
    try { localStorage.removeItem(KEY); } catch (err) { /* nothing kept */ }
    kept.textContent = "Deleted. Nothing is kept in this browser.";
  });
  if (typeof WebAssembly !== "object") {
    say("This browser cannot run the builder here: it has no WebAssembly. Please run the notebook instead.", true);
  }
})();
