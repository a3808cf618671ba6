// Stand-ins for your own user store and data: one demo user.
export function checkPassword({ username, password } = {}) {
  return username === 'ada' && password === 'lovelace' ? { id: 'ada' } : null
}

export function listNotifications(subject) {
  return [{ to: subject, text: 'Welcome back' }]
}
