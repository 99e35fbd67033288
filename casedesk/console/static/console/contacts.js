// Contact type-ahead: an <input list> whose <datalist> is filled from /console/contacts as the agent types.
// The form's data-contacts attribute gives the endpoint (desk included); without JavaScript the field
// still takes an e-mail address typed in full.
(function () {
  "use strict";
  document.querySelectorAll("form[data-contacts]").forEach(function (form) {
    var input = form.querySelector("input[list]");
    var list = input && document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null, last = null;
    function load() {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      fetch(form.getAttribute("data-contacts") + "&q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { contacts: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.contacts.forEach(function (c) {
            var option = document.createElement("option");
            option.value = c.email;
            option.label = c.name + ", " + c.company;
            option.textContent = c.name + ", " + c.company;
            list.appendChild(option);
          });
        });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 150); });
    input.addEventListener("focus", load);
  });
})();
