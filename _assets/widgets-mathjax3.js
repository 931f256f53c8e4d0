// The saved ipywidgets of a chapter typeset their labels through MathJax 2's API,
// `MathJax.Hub.Queue(["Typeset", MathJax.Hub, element])`, whenever `window.MathJax` exists.
// The book uses MathJax 3, which has no `Hub`: without this bridge every labelled widget on a
// page with math throws "Cannot read properties of undefined (reading 'Queue')".
// Runs before the deferred MathJax script; acts only on pages that configure MathJax.
(function () {
  if (typeof window.MathJax !== "object" || window.MathJax === null) {
    return;
  }
  const config = window.MathJax;
  const startup = config.startup || {};
  const userReady = startup.ready;
  config.startup = Object.assign({}, startup, {
    ready: function () {
      if (userReady) {
        userReady();
      } else {
        window.MathJax.startup.defaultReady();
      }
      let queue = Promise.resolve();
      window.MathJax.Hub = {
        Queue: function (...jobs) {
          for (const job of jobs) {
            if (Array.isArray(job) && job[0] === "Typeset" && job[2]) {
              const element = job[2];
              queue = queue.then(() => window.MathJax.typesetPromise([element]));
            }
          }
          return queue;
        },
      };
    },
  });
})();
