// Live SMS part and credit count under a text box: <textarea data-sms-counter="#out">.
// It mirrors reminder_app/clickatell/segments.py (the authority, which counts again on
// submit); the GSM-7 alphabets come from the page, so only the arithmetic lives here.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-sms-counter]").forEach((box) => {
    const out = document.querySelector(box.dataset.smsCounter);
    if (!out) return;
    const basic = new Set(Array.from(out.dataset.gsm7Basic));
    const extension = new Set(Array.from(out.dataset.gsm7Extension));
    const creditsPerPart = Number(out.dataset.creditsPerPart || 1);
    const maxParts = Number(out.dataset.maxParts || 0);

    function count(text) {
      const chars = Array.from(text);  // code points; an emoji is one here, two UTF-16 units
      const gsm = chars.every((c) => basic.has(c) || extension.has(c));
      const units = (c) => (gsm ? (extension.has(c) ? 2 : 1) : (c.codePointAt(0) > 0xffff ? 2 : 1));
      const [single, multi] = gsm ? [160, 153] : [70, 67];
      const total = chars.reduce((sum, c) => sum + units(c), 0);
      if (total <= single) return { gsm, total, parts: 1 };
      let parts = 1;
      let used = 0;
      for (const c of chars) {
        const u = units(c);
        if (used + u > multi) { parts += 1; used = 0; }
        used += u;
      }
      return { gsm, total, parts };
    }

    function show() {
      const text = box.value.replace(/\r\n/g, "\n").trim();
      const result = count(text);
      const credits = result.parts * creditsPerPart;
      let words = `${result.total} ${result.gsm ? "characters" : "UCS-2 units (special characters)"} · ` +
        `${result.parts} SMS part${result.parts === 1 ? "" : "s"} · ${credits} credit${credits === 1 ? "" : "s"}`;
      if (maxParts && result.parts > maxParts) words += ` · too long (${maxParts} parts at most)`;
      out.textContent = words;
      out.classList.toggle("text-danger", Boolean(maxParts && result.parts > maxParts));
    }

    box.addEventListener("input", show);
    show();
  });
});
