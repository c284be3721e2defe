// mark shows that the module graph loaded and ran.
export function mark(el) {
  el.textContent = "module ran";
  el.dataset.ran = "yes";
  document.body.classList.add("module-ran");
}
