// The patient picker: an ARIA combobox (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/)
// over the patients.search endpoint. Typing asks for matches; ArrowDown/ArrowUp move through
// them (aria-activedescendant), Enter chooses, Escape closes the list (or clears the box).
// The form posts the hidden id input ([data-picker-value]); typing again clears it, so a
// name typed but not chosen is never posted as someone else.
(() => {
  const WAIT_MS = 150; // between keystrokes, before asking the server

  function setUp(root) {
    const input = root.querySelector("[data-picker-input]");
    const value = root.querySelector("[data-picker-value]");
    const list = root.querySelector("[data-picker-list]");
    const chosenText = root.querySelector("[data-picker-chosen]");
    const status = root.querySelector("[data-picker-status]");
    const url = root.dataset.searchUrl;
    let options = [];
    let active = -1;
    let asked = 0; // the latest request; older answers are dropped
    let timer = null;
    let nextPage = null;
    let lastText = "";

    function optionId(index) { return `${list.id}-option-${index}`; }

    function open() {
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(index) {
      options.forEach((li, i) => {
        const on = i === index;
        li.classList.toggle("active", on);
        li.setAttribute("aria-selected", String(on));
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function option(index, text, detail) {
      const li = document.createElement("li");
      li.id = optionId(index);
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.className = "list-group-item list-group-item-action";
      const name = document.createElement("span");
      name.className = "patient-picker-name";
      name.textContent = text;
      li.append(name);
      if (detail) {
        const small = document.createElement("small");
        small.className = "patient-picker-detail";
        small.textContent = ` ${detail}`;
        li.append(small);
      }
      return li;
    }

    function show(answer, append) {
      if (!append) {
        list.replaceChildren();
        options = [];
      } else if (options.length && options[options.length - 1].dataset.more) {
        options.pop().remove();
      }
      for (const patient of answer.patients) {
        const li = option(options.length, patient.name, patient.detail);
        li.dataset.id = patient.id;
        li.dataset.label = patient.name;
        li.dataset.detail = patient.detail;
        list.append(li);
        options.push(li);
      }
      nextPage = answer.next_page;
      if (nextPage) {
        const more = option(options.length, "More patients…", "");
        more.dataset.more = "1";
        list.append(more);
        options.push(more);
      }
      const found = options.filter((li) => !li.dataset.more).length;
      status.textContent = found === 0 ? "No patient matches."
        : `${found}${nextPage ? " or more" : ""} patients found.`;
      open();
    }

    async function ask(page, append) {
      const mine = ++asked;
      const query = new URLSearchParams({ q: lastText, page: String(page) });
      let answer;
      try {
        const response = await fetch(`${url}?${query}`, { headers: { Accept: "application/json" } });
        if (!(response.headers.get("Content-Type") || "").includes("json")) {
          throw new Error("The search did not answer (signed out?): please reload the page.");
        }
        answer = await response.json();
        if (!response.ok) throw new Error(answer.error || "The search failed.");
      } catch (error) {
        if (mine === asked) status.textContent = error.message;
        return;
      }
      if (mine === asked) {
        show(answer, append);
        if (append) setActive(Math.min(active, options.length - 1));
      }
    }

    function choose(li) {
      if (li.dataset.more) {
        ask(nextPage, true);
        return;
      }
      value.value = li.dataset.id;
      input.value = li.dataset.label;
      chosenText.textContent = li.dataset.detail ? `${li.dataset.label} · ${li.dataset.detail}` : li.dataset.label;
      status.textContent = `${li.dataset.label} chosen.`;
      close();
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }

    input.addEventListener("input", () => {
      value.value = "";
      chosenText.textContent = "";
      lastText = input.value.trim();
      clearTimeout(timer);
      timer = setTimeout(() => ask(1, false), WAIT_MS);
    });

    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) {
          if (options.length) open(); else { lastText = input.value.trim(); ask(1, false); }
          return;
        }
        setActive(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!list.hidden) setActive(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault(); // choose, do not post the form yet
          choose(options[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          value.value = "";
          chosenText.textContent = "";
        }
      }
    });

    input.addEventListener("blur", () => close());
    // mousedown, not click: it comes before the box's blur closes the list.
    list.addEventListener("mousedown", (event) => {
      const li = event.target.closest("[role=option]");
      if (!li) return;
      event.preventDefault();
      choose(li);
    });
    root.dataset.pickerReady = "1"; // typing is heard from now on (tests wait for it)
  }

  document.querySelectorAll("[data-patient-picker]").forEach(setUp);
})();
