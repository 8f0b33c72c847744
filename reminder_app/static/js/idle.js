// Automatic sign-out after inactivity (reminder_app/auth/sessions.py ends the session on the
// server; this only warns first, and leaves the page once it has ended).
// <body data-idle-seconds data-idle-status-url data-keep-alive-url data-signed-out-url>
(() => {
  const body = document.body;
  const idle = Number(body.dataset.idleSeconds || 0);
  const box = document.getElementById("idle-warning");
  if (!idle || !box) return;
  const warnFor = Math.min(120, idle / 4) * 1000;
  const countdown = box.querySelector("[data-idle-countdown]");
  let deadline = Date.now() + idle * 1000;

  const restart = (seconds) => {
    deadline = Date.now() + seconds * 1000;
    box.classList.add("d-none");
  };

  const leave = () => window.location.assign(body.dataset.signedOutUrl);

  // Another tab may have kept the session alive: ask the server before leaving.
  const check = () => fetch(body.dataset.idleStatusUrl, { credentials: "same-origin" })
    .then((answer) => answer.json())
    .then((status) => (status.remaining > 0 ? restart(status.remaining) : leave()))
    .catch(leave);

  let checking = false;
  setInterval(() => {
    const left = deadline - Date.now();
    if (left <= 0) {
      if (!checking) { checking = true; check().finally(() => { checking = false; }); }
    } else if (left <= warnFor) {
      countdown.textContent = String(Math.ceil(left / 1000));
      box.classList.remove("d-none");
    }
  }, 1000);

  box.querySelector("[data-keep-alive]").addEventListener("click", () => {
    fetch(body.dataset.keepAliveUrl, { credentials: "same-origin" })
      .then((answer) => (answer.ok ? restart(idle) : leave()));
  });
})();
