// The language switch (_ext/bilingual.py) is a header link, which the book theme opens in a new
// tab; switching the language of the page you are reading should replace it instead.
document.querySelectorAll("a.btn-language-switch-button").forEach((link) => {
  link.removeAttribute("target");
});
