// The day view's marks: their detail shows on hover and on focus (CSS); pressing the button
// keeps it open (aria-expanded), and Escape hides it until the pointer or focus moves on
// (WCAG 1.4.13: content on hover or focus can be dismissed).
document.addEventListener("click", (event) => {
  const button = event.target.closest(".day-marks-toggle");
  if (!button) return;
  const open = button.getAttribute("aria-expanded") !== "true";
  document.querySelectorAll('.day-marks-toggle[aria-expanded="true"]').forEach((other) => {
    if (other !== button) other.setAttribute("aria-expanded", "false");
  });
  button.setAttribute("aria-expanded", String(open));
  button.closest(".day-marks").classList.remove("day-marks-dismissed");
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".day-marks:hover, .day-marks:focus-within").forEach((marks) => {
    marks.classList.add("day-marks-dismissed");
    marks.querySelector(".day-marks-toggle").setAttribute("aria-expanded", "false");
  });
});
["mouseleave", "focusout"].forEach((type) => {
  document.addEventListener(type, (event) => {
    const marks = event.target.closest && event.target.closest(".day-marks");
    if (marks) marks.classList.remove("day-marks-dismissed");
  }, true);
});
