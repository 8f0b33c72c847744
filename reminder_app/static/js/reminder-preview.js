// Live preview of a reminder text: rendered for a sample appointment, with its length,
// encoding, parts and credits, as the server counts them (POST /reminders/preview).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("rule-form");
  if (!form) return;
  const url = form.dataset.previewUrl;
  const token = form.querySelector("input[name=csrf_token]").value;

  const show = (box, data) => {
    const ok = box.querySelector(".preview-ok");
    const error = box.querySelector(".preview-error");
    if (data.error) {
      error.textContent = data.error;
      error.classList.remove("d-none");
      ok.classList.add("d-none");
      return;
    }
    error.classList.add("d-none");
    ok.classList.remove("d-none");
    box.querySelector(".preview-text").textContent = data.text;
    box.querySelector(".preview-length").textContent = data.length;
    box.querySelector(".preview-encoding").textContent = data.encoding;
    box.querySelector(".preview-parts").textContent = data.parts;
    box.querySelector(".preview-credits").textContent = data.credits;
    const unicode = box.querySelector(".preview-unicode");
    unicode.querySelector(".preview-chars").textContent = data.non_gsm_characters.join(" ");
    unicode.classList.toggle("d-none", data.non_gsm_characters.length === 0);
  };

  document.querySelectorAll(".reminder-preview").forEach((box) => {
    const field = document.getElementById(box.dataset.previewFor);
    let timer = null;
    let latest = 0;
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const asked = ++latest;
        try {
          const response = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRFToken": token },
            body: JSON.stringify({ body: field.value, language: field.dataset.language }),
            credentials: "same-origin",
          });
          const data = await response.json();
          if (asked === latest) show(box, data);
        } catch (err) {
          if (asked === latest) show(box, { error: "The preview is not available right now." });
        }
      }, 250);
    });
  });
});
