import './no-eval.ts';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './styles.css';
import './polish.css';

createRoot(document.getElementById('root')!).render(<App />);
