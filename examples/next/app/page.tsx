export default function Home() {
  return (
    <main>
      <h1>Curfew on Next.js</h1>
      <form method="post" action="/api/login">
        <label>
          User <input name="username" defaultValue="ada" />
        </label>
        <label>
          Password <input name="password" type="password" defaultValue="lovelace" />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  )
}
