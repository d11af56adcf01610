// MathJax's configuration, read when its deferred script starts.
// Docstrings write formulas without backslashes (they stay plain, not raw, strings, and read
// well in help()), so function names in them are set upright here, as \log would set them.
window.MathJax = {
  startup: {
    ready() {
      const names = /(?<![\\A-Za-z])(log1p|expm1|log|exp|tanh|cosh|sign|max|min|erfc|softmax)(?![A-Za-z])/g;
      MathJax.startup.defaultReady();
      MathJax.startup.input[0].preFilters.add(({ math }) => {
        math.math = math.math.replace(names, "\\operatorname{$1}");
      });
    },
  },
};
