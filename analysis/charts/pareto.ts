/** The Pareto front of a set of points, for the trade-off chart. */

/**
 * The configurations no other configuration beats on both counts (lower x and lower y): the Pareto front,
 * as a set of indices into points.
 */
export function paretoFront(points: readonly { x: number; y: number }[]): Set<number> {
  const front = new Set<number>()
  points.forEach((p, i) => {
    const dominated = points.some((q, j) => j !== i && q.x <= p.x && q.y <= p.y && (q.x < p.x || q.y < p.y))
    if (!dominated) front.add(i)
  })
  return front
}
