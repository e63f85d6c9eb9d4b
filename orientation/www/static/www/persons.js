// The person's space's forms, improved when JavaScript runs (they work without it):
// suggestions as one types (Onisep studies, ROME occupations, organisations, ROME skills), and a
// field that adds a ROME skill, chosen among the suggestions, as a line of the skills' box.
(function () {
  "use strict";

  function suggest(input, list) {
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (text.length < 2 || text === asked) { return; }
      clearTimeout(timer);
      timer = setTimeout(function () {
        asked = text;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (values) {
            list.replaceChildren.apply(list, values.map(function (value) {
              var option = document.createElement("option");
              option.value = value.value;
              option.label = value.label;
              return option;
            }));
          })
          .catch(function () { /* no suggestions: the field still works */ });
      }, 150);
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (list) { suggest(input, list); }
  });

  document.querySelectorAll("textarea[data-skills]").forEach(function (box) {
    var group = document.createElement("div");
    group.className = "fr-input-group";
    var label = document.createElement("label");
    label.className = "fr-label";
    label.htmlFor = box.id + "-add";
    label.textContent = "Ajouter une compétence du ROME";
    var row = document.createElement("div");
    row.className = "person-skill-row";
    var input = document.createElement("input");
    input.className = "fr-input";
    input.id = box.id + "-add";
    input.setAttribute("list", "skills-suggestions");
    input.dataset.suggest = box.dataset.skills;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "fr-btn fr-btn--secondary fr-btn--sm";
    button.textContent = "Ajouter";
    function add() {
      var value = input.value.trim();
      if (!value) { return; }
      var lines = box.value.split("\n").filter(function (line) { return line.trim(); });
      if (lines.indexOf(value) === -1) { lines.push(value); }
      box.value = lines.join("\n");
      input.value = "";
      input.focus();
    }
    button.addEventListener("click", add);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); add(); }
    });
    row.append(input, button);
    group.append(label, row);
    box.closest(".fr-input-group").before(group);
    suggest(input, document.getElementById("skills-suggestions"));
  });
})();
