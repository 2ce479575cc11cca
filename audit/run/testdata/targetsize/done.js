// Any click is the cancellation: links do not navigate, and the page says it is done.
document.addEventListener('click', (e) => {
  e.preventDefault();
  if (!document.getElementById('done')) document.body.insertAdjacentHTML('beforeend', '<p id="done">已退订</p>');
}, true);
