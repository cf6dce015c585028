/** GET /projects — trading projects with their state (a pause shows who, when, why). */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { currentUser } from '../http/auth-context';
import { projectModel } from './project.model';

export function projectsRouter(db: Connection): Router {
  const Project = projectModel(db);
  const r = Router();
  r.get('/projects', async (req, res) => {
    currentUser(req);
    const docs = await Project.find({}).sort({ _id: 1 }).lean();
    res.json({ items: docs.map(({ _id, ...p }) => ({ id: _id, ...p })) });
  });
  return r;
}
